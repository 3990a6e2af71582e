"""Folding application and engagement events onto the outcome tables, in the replica's transaction.

A snapshot replaces the stored row only with a higher version, so a replayed page changes nothing.
A job application turning `accepted`, or an engagement turning `paid`, opens a placement (unique per
source row) and yields a `placed` signal.
"""

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import as_utc
from services.matching.outcomes.config import OutcomeSettings
from services.matching.outcomes.hooks import Signal, SignalKind
from services.matching.outcomes.models import OutcomeApplication, OutcomeEngagement, Placement
from services.matching.outcomes.schemas import ApplicationSnapshot, EngagementSnapshot
from services.matching.privacy.models import PostingsErasure
from services.matching.replica.models import ReplicaPosting

Snapshot = ApplicationSnapshot | EngagementSnapshot
Item = tuple[int, Snapshot]  # (seq, snapshot)


async def fold(
    session: AsyncSession, items: Sequence[Item], settings: OutcomeSettings, now: datetime
) -> list[Signal]:
    """Apply the page's application and engagement snapshots in seq order; returns the signals."""
    if not items:
        return []
    apps = await _load(
        session, OutcomeApplication, {s.id for _, s in items if isinstance(s, ApplicationSnapshot)}
    )
    gigs = await _load(
        session, OutcomeEngagement, {s.id for _, s in items if isinstance(s, EngagementSnapshot)}
    )
    codes = await _occupations(session, {s.posting_id for _, s in items})
    placed_before = set(
        (
            await session.scalars(
                select(Placement.source_id).where(Placement.source_id.in_({s.id for _, s in items}))
            )
        ).all()
    )
    signals: list[Signal] = []
    for seq, snap in items:
        new = snap.id not in apps and snap.id not in gigs
        if isinstance(snap, ApplicationSnapshot):
            placed = _fold_application(session, apps, snap, seq, codes)
        else:
            placed = _fold_engagement(session, gigs, snap, seq, codes)
        if new and _by_station(snap):
            signals.append(_referred(snap))
        if placed and snap.id not in placed_before:  # paid again after a dispute: still one placement
            placed_before.add(snap.id)
            signals.append(_place(session, snap, settings))
    await session.flush()
    return signals


async def mask_erased(
    session: AsyncSession, items: Sequence[Item], pseudonym: Callable[[str], str] | None
) -> list[Item]:
    """The items, with the seeker id of an erased seeker's earlier records replaced by their pseudonym:
    an event about a record made before the erasure (postings keeps wage records under the id for a
    while, docs/privacy.md §7) never writes the id back. A record made after it — the seeker registered
    again — keeps the id."""
    if pseudonym is None or not items:
        return list(items)
    aliases = {seeker: pseudonym(seeker) for seeker in {s.seeker_id for _, s in items}}
    rows = await session.execute(
        select(PostingsErasure.pseudonym, PostingsErasure.requested_at).where(
            PostingsErasure.pseudonym.in_(set(aliases.values()))
        )
    )
    erased = {alias: as_utc(at) for alias, at in rows.all()}
    out: list[Item] = []
    for seq, snap in items:
        alias = aliases[snap.seeker_id]
        at = erased.get(alias)
        if at is not None and as_utc(snap.created_at) <= at:
            snap = snap.model_copy(update={"seeker_id": alias})
        out.append((seq, snap))
    return out


async def _load(session: AsyncSession, model: Any, ids: set[uuid.UUID]) -> dict[uuid.UUID, Any]:
    if not ids:
        return {}
    rows = await session.scalars(select(model).where(model.id.in_(ids)))
    return {row.id: row for row in rows.all()}


async def _occupations(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str | None]:
    rows = await session.execute(  # the one field, not the whole snapshot (description, shifts)
        select(ReplicaPosting.id, ReplicaPosting.snapshot["occupation_code"]).where(
            ReplicaPosting.id.in_(ids)
        )
    )
    found: dict[uuid.UUID, str | None] = {}
    for posting_id, code in rows.all():
        found[posting_id] = str(code)[:20] if code else None
    return found


def _common(snap: Snapshot, seq: int, codes: dict[uuid.UUID, str | None]) -> dict[str, Any]:
    return {
        "posting_id": snap.posting_id,
        "shift_id": snap.shift_id,
        "employer_id": snap.employer_id,
        "seeker_id": snap.seeker_id,
        "status": snap.status,
        "source": snap.source,
        "station_id": snap.station_id,
        "referred_by": snap.referred_by,
        "county_adcode": snap.county_adcode,
        "occupation_code": codes.get(snap.posting_id),
        "version": snap.version,
        "created_at": snap.created_at,
        "updated_at": snap.updated_at,
        "applied_seq": seq,
    }


def _upsert(
    session: AsyncSession, rows: dict[uuid.UUID, Any], model: Any, key: uuid.UUID, values: dict[str, Any]
) -> tuple[Any, str | None] | None:
    """The row updated (and its previous status), or None when the stored version is as new."""
    row = rows.get(key)
    if row is None:
        row = rows[key] = model(id=key, **values)
        session.add(row)
        return row, None
    if values["version"] <= row.version:
        return None
    before = row.status
    for name, value in values.items():
        setattr(row, name, value)
    return row, before


def _fold_application(
    session: AsyncSession,
    rows: dict[uuid.UUID, Any],
    snap: ApplicationSnapshot,
    seq: int,
    codes: dict[uuid.UUID, str | None],
) -> bool:
    stored = rows.get(snap.id)
    accepted_at = stored.accepted_at if stored is not None else None
    if snap.status == "accepted" and accepted_at is None:
        accepted_at = snap.decided_at or snap.updated_at
    values = _common(snap, seq, codes) | {
        "decided_at": snap.decided_at,
        "accepted_at": accepted_at,
        "engagement_id": snap.engagement_id,
    }
    done = _upsert(session, rows, OutcomeApplication, snap.id, values)
    # A booking request accepted on a gig shift is placed when that engagement is paid.
    return done is not None and snap.shift_id is None and snap.status == "accepted" and done[1] != "accepted"


def _fold_engagement(
    session: AsyncSession,
    rows: dict[uuid.UUID, Any],
    snap: EngagementSnapshot,
    seq: int,
    codes: dict[uuid.UUID, str | None],
) -> bool:
    paid = snap.status == "paid"
    values = _common(snap, seq, codes) | {
        "application_id": snap.application_id,
        "starts_at": snap.starts_at,
        "ends_at": snap.ends_at,
        "booked_at": snap.booked_at,
        "completed_at": snap.checked_out_at,
        "paid_at": snap.paid_at if paid else None,
        "amount": (snap.amount_due if snap.amount_due is not None else snap.booked_amount) if paid else None,
    }
    done = _upsert(session, rows, OutcomeEngagement, snap.id, values)
    return done is not None and paid and done[1] != "paid"


def _place(session: AsyncSession, snap: Snapshot, settings: OutcomeSettings) -> Signal:
    if isinstance(snap, EngagementSnapshot):
        kind, at = "gig", snap.paid_at or snap.updated_at
        application_id, engagement_id = snap.application_id, snap.id
        ends_at: datetime | None = snap.ends_at + timedelta(days=settings.gig_work_days)
    else:
        kind, at = "job", snap.decided_at or snap.updated_at
        application_id, engagement_id, ends_at = snap.id, None, None
    placement = Placement(
        id=uuid.uuid5(uuid.NAMESPACE_URL, f"lingong:placement:{snap.id}"),
        seeker_id=snap.seeker_id,
        kind=kind,
        source_id=snap.id,
        application_id=application_id,
        engagement_id=engagement_id,
        posting_id=snap.posting_id,
        county_adcode=snap.county_adcode,
        station_id=snap.station_id,
        placed_at=at,
        ends_at=ends_at,
    )
    session.add(placement)
    return signal_of(placement, "placed", at)


def _by_station(snap: Snapshot) -> bool:
    """Staff applied for the seeker, or booked a gig without an application (a booking request's
    engagement is not a second referral)."""
    if snap.source != "station":
        return False
    return isinstance(snap, ApplicationSnapshot) or snap.application_id is None


def _referred(snap: Snapshot) -> Signal:
    return Signal(
        kind="referred",
        seeker_id=snap.seeker_id,
        record_id=snap.id,
        placement_id=None,
        placement_kind="gig" if isinstance(snap, EngagementSnapshot) or snap.shift_id else "job",
        posting_id=snap.posting_id,
        county_adcode=snap.county_adcode,
        station_id=snap.station_id,
        at=snap.created_at,
        by=snap.referred_by,
    )


def signal_of(placement: Placement, kind: SignalKind, at: datetime) -> Signal:
    return Signal(
        kind=kind,
        seeker_id=placement.seeker_id,
        record_id=placement.source_id,
        placement_id=placement.id,
        placement_kind="gig" if placement.kind == "gig" else "job",
        posting_id=placement.posting_id,
        county_adcode=placement.county_adcode,
        station_id=placement.station_id,
        at=at,
    )
