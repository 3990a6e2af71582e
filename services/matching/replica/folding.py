"""Folding events onto stored rows, in memory: which snapshot wins, and how shifts merge.

Rows are plain column dicts (see `models.py`), so a page is written back in two bulk statements per
table instead of one ORM object per row. A snapshot replaces a stored row only when its version is
higher; shifts merge by their own version, because a booking changes a shift without a new posting
version.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.kit.clock import as_utc
from services.matching.replica.schemas import (
    EmployerReliabilitySnapshot,
    EmployerSnapshot,
    PostingSnapshot,
    ShiftSnapshot,
)

Row = dict[str, Any]


@dataclass(slots=True)
class Rows:
    """The stored rows a page touches, by id; `new` are to be inserted, `changed` (the rest) updated."""

    rows: dict[uuid.UUID, Row]
    new: set[uuid.UUID] = field(default_factory=set)
    changed: set[uuid.UUID] = field(default_factory=set)

    def add(self, key: uuid.UUID, row: Row) -> None:
        self.rows[key] = row
        self.new.add(key)

    def touch(self, key: uuid.UUID) -> None:
        if key not in self.new:
            self.changed.add(key)


def fold_posting(
    postings: Rows, snap: PostingSnapshot, data: dict[str, Any], seq: int, now: datetime
) -> bool:
    incoming = list(data.get("shifts") or [])
    row = postings.rows.get(snap.id)
    if row is not None and snap.version <= row["version"]:
        # An older (or the same) snapshot: its posting fields lose, but a newer shift in it still counts.
        return _replace_shifts(
            postings, snap.id, merge_shifts(row["snapshot"].get("shifts", []), incoming), seq, now
        )
    stored = row["snapshot"].get("shifts", []) if row is not None else []
    values: Row = {
        "id": snap.id,
        "employer_id": snap.employer_id,
        "status": snap.status,
        "kind": snap.kind,
        "county_adcode": snap.location.county_adcode,
        "lat": snap.location.lat,
        "lng": snap.location.lng,
        "version": snap.version,
        "updated_at": snap.updated_at,
        "snapshot": {**data, "shifts": merge_shifts(stored, incoming)},
        "applied_seq": seq,
        "replicated_at": now,
    }
    if row is None:
        postings.add(snap.id, values)
    else:
        row.update(values)
        postings.touch(snap.id)
    return True


def fold_shift(postings: Rows, snap: ShiftSnapshot, data: dict[str, Any], seq: int, now: datetime) -> bool:
    """A shift event merges into its posting's snapshot; without the posting there is nothing to do."""
    row = postings.rows.get(snap.posting_id)
    if row is None:
        return False
    shifts = merge_shifts(row["snapshot"].get("shifts", []), [data])
    return _replace_shifts(postings, snap.posting_id, shifts, seq, now)


def _replace_shifts(postings: Rows, key: uuid.UUID, shifts: list[Row], seq: int, now: datetime) -> bool:
    row = postings.rows[key]
    if shifts == row["snapshot"].get("shifts", []):
        return False
    row.update(snapshot={**row["snapshot"], "shifts": shifts}, applied_seq=seq, replicated_at=now)
    postings.touch(key)
    return True


def merge_shifts(stored: list[Row], incoming: list[Row]) -> list[Row]:
    """Shifts by id, the higher version winning (the incoming one on a tie), soonest first."""
    merged = {str(s["id"]): s for s in stored}
    for shift in incoming:
        key = str(shift["id"])
        if key not in merged or int(shift["version"]) >= int(merged[key]["version"]):
            merged[key] = shift
    return sorted(merged.values(), key=lambda s: (str(s["starts_at"]), str(s["id"])))


def fold_employer(employers: Rows, snap: EmployerSnapshot, seq: int, now: datetime) -> bool:
    row = employers.rows.get(snap.id)
    if row is not None and snap.version <= row["version"]:
        return False
    values: Row = {
        "id": snap.id,
        "name": snap.name,
        "kind": snap.kind,
        "verified": snap.verified,
        "version": snap.version,
        "owner_sub": snap.owner_sub,
        "applied_seq": seq,
        "replicated_at": now,
    }
    if row is None:
        employers.add(snap.id, values | {"reliability": None, "reliability_at": None})
    else:
        row.update(values)
        employers.touch(snap.id)
    return True


def fold_reliability(
    employers: Rows, snap: EmployerReliabilitySnapshot, data: dict[str, Any], seq: int, now: datetime
) -> bool:
    """The employer's latest reliability record (by `computed_at`); kept only for a known employer."""
    row = employers.rows.get(snap.employer_id)
    if row is None:
        return False
    if row["reliability_at"] is not None and as_utc(row["reliability_at"]) >= snap.computed_at:
        return False
    row.update(reliability=data, reliability_at=snap.computed_at, applied_seq=seq, replicated_at=now)
    employers.touch(snap.employer_id)
    return True


def employer_view(row: Row) -> dict[str, Any]:
    """What listeners are told about an employer."""
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "kind": row["kind"],
        "verified": row["verified"],
        "version": row["version"],
        "owner_sub": row["owner_sub"],
        "reliability": row["reliability"],
    }
