"""Applying a page of feed events to the replica, exactly once.

One transaction holds the replica changes, the dead letters and the cursor. The cursor row is locked
first (FOR UPDATE on PostgreSQL; SQLite writers are serial), events at or below it are skipped, and a
posting or employer snapshot only replaces a stored one with a higher version. So a transaction that
dies anywhere before COMMIT leaves nothing, and one replayed after COMMIT changes nothing.
"""

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import is_postgres
from services.kit.schemas import MAX_INT
from services.matching.outcomes import folding as outcomes
from services.matching.outcomes.config import get_outcome_settings
from services.matching.outcomes.hooks import OutcomeHooks
from services.matching.outcomes.schemas import ApplicationSnapshot, EngagementSnapshot
from services.matching.replica.folding import (
    Rows,
    employer_view,
    fold_employer,
    fold_posting,
    fold_reliability,
    fold_shift,
)
from services.matching.replica.models import ReplicaCursor, ReplicaDeadLetter, ReplicaEmployer, ReplicaPosting
from services.matching.replica.schemas import (
    EmployerReliabilitySnapshot,
    EmployerSnapshot,
    FeedEvent,
    PostingSnapshot,
    ShiftSnapshot,
)
from services.matching.statistics import disputes
from services.matching.statistics.disputes import DisputeSnapshot

log = logging.getLogger("lingong.replica")

Checkpoint = Callable[[str], Awaitable[None]]
APPLIED = "applied"  # replica rows flushed, cursor not yet written
CURSOR_WRITTEN = "cursor_written"  # both flushed, not yet committed

SCHEMA_VERSIONS = frozenset({1})
SNAPSHOTS: dict[str, type[BaseModel]] = {
    **dict.fromkeys(
        (
            "posting.created",
            "posting.updated",
            "posting.published",
            "posting.paused",
            "posting.closed",
            "posting.expired",
        ),
        PostingSnapshot,
    ),
    **dict.fromkeys(
        ("employer.created", "employer.updated", "employer.verified", "employer.unverified"),
        EmployerSnapshot,
    ),
    **dict.fromkeys(("shift.created", "shift.updated", "shift.cancelled"), ShiftSnapshot),
    "reliability.employer": EmployerReliabilitySnapshot,
}
# Every application.* and engagement.* event carries the record's whole snapshot (outcomes/).
BY_PREFIX: dict[str, type[BaseModel]] = {
    "application.": ApplicationSnapshot,
    "engagement.": EngagementSnapshot,
    "dispute.": DisputeSnapshot,  # statistics/: the dispute-rise signal
}
# Known to the feed and not needed here: consumed and counted, never dead-lettered.
IGNORED = ("rating.", "appeal.", "reliability.worker")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Unreadable(Exception):
    """An event the replica cannot read: it goes to the dead letters."""


@dataclass(frozen=True, slots=True)
class Parsed:
    seq: int
    created_at: datetime
    snapshot: BaseModel | None  # None: a type the replica ignores
    data: dict[str, Any]


@dataclass(slots=True)
class BatchResult:
    cursor: int
    applied: int = 0
    skipped: int = 0  # at or below the cursor (already applied), ignored types, stale versions
    dead_lettered: int = 0
    last_event_at: datetime | None = None
    postings: list[dict[str, Any]] = field(default_factory=list)
    employers: list[dict[str, Any]] = field(default_factory=list)


def clean(value: object, limit: int) -> str:
    """Text safe for a column: no control characters (PostgreSQL refuses NUL), at most `limit` chars."""
    return _CONTROL.sub("?", str(value))[:limit]


def parse(raw: dict[str, Any]) -> Parsed:
    """Check one event's envelope and data; raise `Unreadable` saying why not."""
    try:
        event = FeedEvent.model_validate(raw)
    except ValidationError as exc:
        raise Unreadable(_describe(exc, "envelope")) from None
    if event.type.startswith(IGNORED):
        return Parsed(event.seq, event.created_at, None, event.data)
    model = SNAPSHOTS.get(event.type) or next(
        (m for prefix, m in BY_PREFIX.items() if event.type.startswith(prefix)), None
    )
    if model is None:
        raise Unreadable(f"unknown event type {clean(event.type, 60)!r}")
    if event.schema_version not in SCHEMA_VERSIONS:
        raise Unreadable(f"schema_version {event.schema_version} of {event.type} is not known here")
    try:
        snapshot = model.model_validate(event.data)
    except ValidationError as exc:
        raise Unreadable(_describe(exc, "data")) from None
    return Parsed(event.seq, event.created_at, snapshot, event.data)


def _describe(exc: ValidationError, where: str) -> str:
    problems = [
        f"{'.'.join(str(p) for p in e['loc']) or where}: {e['msg']}"
        for e in exc.errors(include_url=False, include_input=False)
    ]
    return f"{where} failed validation: " + "; ".join(problems[:10])


async def lock_cursor(session: AsyncSession, source: str) -> ReplicaCursor:
    """The source's cursor row, created at 0 the first time, locked until the transaction ends."""
    upsert = postgresql.insert if is_postgres(session) else sqlite.insert
    await session.execute(
        upsert(ReplicaCursor)
        .values(source=source, seq=0, events=0)
        .on_conflict_do_nothing(index_elements=["source"])
    )
    stmt = select(ReplicaCursor).where(ReplicaCursor.source == source).with_for_update()
    return (await session.scalars(stmt.execution_options(populate_existing=True))).one()


async def read_cursor(session: AsyncSession, source: str) -> ReplicaCursor | None:
    return await session.get(ReplicaCursor, source)


async def dead_letter_count(session: AsyncSession, source: str) -> int:
    stmt = select(func.count()).select_from(ReplicaDeadLetter).where(ReplicaDeadLetter.source == source)
    return int(await session.scalar(stmt) or 0)


async def _noop(_: str) -> None:
    return None


async def apply_page(
    session: AsyncSession,
    source: str,
    events: Iterable[dict[str, Any]],
    now: datetime,
    checkpoint: Checkpoint = _noop,
    hooks: OutcomeHooks | None = None,
) -> BatchResult:
    """Apply a page of raw feed events; flushes, never commits (the caller's unit of work does).

    Application and engagement events go to the outcome tables, and the outcome hooks run on the
    signals they raise, in this same transaction."""
    cursor = await lock_cursor(session, source)
    by_seq = {int(e["seq"]): e for e in events}
    parsed: dict[int, Parsed | Unreadable] = {}
    for seq in sorted(by_seq):
        try:
            parsed[seq] = parse(by_seq[seq])
        except Unreadable as exc:
            parsed[seq] = exc
    postings, employers = await _load(session, [p for p in parsed.values() if isinstance(p, Parsed)])
    result = BatchResult(cursor=cursor.seq)
    fresh = [seq for seq in parsed if seq > cursor.seq]
    result.skipped = len(parsed) - len(fresh)
    outcome_items: list[outcomes.Item] = []
    dispute_items: list[tuple[int, DisputeSnapshot]] = []
    for seq in fresh:
        item = parsed[seq]
        if isinstance(item, Unreadable):
            _dead_letter(session, source, by_seq[seq], str(item), now)
            result.dead_lettered += 1
            continue
        if isinstance(item.snapshot, ApplicationSnapshot | EngagementSnapshot):
            outcome_items.append((seq, item.snapshot))
            result.applied += 1
        elif isinstance(item.snapshot, DisputeSnapshot):
            dispute_items.append((seq, item.snapshot))
            result.applied += 1
        elif _fold(postings, employers, item, now):
            result.applied += 1
        else:
            result.skipped += 1
        result.last_event_at = item.created_at
    await _write(session, postings, employers)
    settings = hooks.settings if hooks is not None else get_outcome_settings()
    outcome_items = await outcomes.mask_erased(session, outcome_items, hooks.pseudonym if hooks else None)
    signals = await outcomes.fold(session, outcome_items, settings, now)
    await disputes.fold(session, dispute_items)
    if hooks is not None:
        await hooks.run(session, signals, now)
    await checkpoint(APPLIED)
    if fresh:
        cursor.seq = fresh[-1]
        cursor.events += len(fresh)
        cursor.last_event_at = result.last_event_at or cursor.last_event_at
        cursor.updated_at = now
        result.cursor = cursor.seq
    await session.flush()
    await checkpoint(CURSOR_WRITTEN)
    result.postings = [row["snapshot"] for row in postings.rows.values()]
    result.employers = [employer_view(row) for row in employers.rows.values()]
    return result


def _fold(postings: Rows, employers: Rows, item: Parsed, now: datetime) -> bool:
    snap, data, seq = item.snapshot, item.data, item.seq
    if isinstance(snap, PostingSnapshot):
        return fold_posting(postings, snap, data, seq, now)
    if isinstance(snap, ShiftSnapshot):
        if not fold_shift(postings, snap, data, seq, now):
            log.info("shift event without its posting in the replica", extra={"seq": seq})
            return False
        return True
    if isinstance(snap, EmployerSnapshot):
        return fold_employer(employers, snap, seq, now)
    if isinstance(snap, EmployerReliabilitySnapshot):
        return fold_reliability(employers, snap, data, seq, now)
    return False  # a type the replica ignores


async def _load(session: AsyncSession, items: list[Parsed]) -> tuple[Rows, Rows]:
    """Every stored row the page touches, in one query per table."""
    posting_ids: set[uuid.UUID] = set()
    employer_ids: set[uuid.UUID] = set()
    for item in items:
        snap = item.snapshot
        if isinstance(snap, PostingSnapshot):
            posting_ids.add(snap.id)
        elif isinstance(snap, ShiftSnapshot):
            posting_ids.add(snap.posting_id)
        elif isinstance(snap, EmployerSnapshot):
            employer_ids.add(snap.id)
        elif isinstance(snap, EmployerReliabilitySnapshot):
            employer_ids.add(snap.employer_id)
    return (
        await _rows(session, ReplicaPosting.__table__, posting_ids),
        await _rows(session, ReplicaEmployer.__table__, employer_ids),
    )


async def _rows(session: AsyncSession, table: Any, ids: set[uuid.UUID]) -> Rows:
    if not ids:
        return Rows({})
    result = await session.execute(select(table).where(table.c.id.in_(ids)))
    return Rows({row["id"]: dict(row) for row in result.mappings()})


async def _write(session: AsyncSession, postings: Rows, employers: Rows) -> None:
    for model, rows in ((ReplicaPosting, postings), (ReplicaEmployer, employers)):
        if rows.new:
            await session.execute(insert(model), [rows.rows[key] for key in rows.new])
        if rows.changed:
            await session.execute(update(model), [rows.rows[key] for key in rows.changed])


def _dead_letter(session: AsyncSession, source: str, raw: dict[str, Any], error: str, now: datetime) -> None:
    kind = raw.get("type")
    version = raw.get("schema_version")
    session.add(
        ReplicaDeadLetter(
            source=source,
            seq=int(raw["seq"]),
            type=clean(kind, 60) if isinstance(kind, str) else None,
            schema_version=version if isinstance(version, int) and abs(version) <= MAX_INT else None,
            raw=raw,
            error=clean(error, 2000),
            created_at=now,
        )
    )
    log.warning("feed event dead-lettered", extra={"seq": raw["seq"], "event_type": clean(kind, 60)})
