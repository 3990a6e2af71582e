"""The change feed: an outbox written with every change, numbered in commit order."""

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import Clock, as_utc
from services.kit.db import is_postgres
from services.kit.tracing import current_context
from services.kit.uow import after_commit, before_commit
from services.postings.erasure.models import SeekerErasure
from services.postings.erasure.redaction import redacted
from services.postings.feed.models import OutboxEvent

# One lock serialises the *tail* of writing transactions: a transaction takes it just before it inserts
# its events and holds it through COMMIT, so sequence numbers are handed out in commit order and no
# event can become visible behind a cursor a consumer has already passed. SQLite writers are serial.
FEED_LOCK_ID = 0x6C696E67  # "ling"
_PENDING = "feed.pending"
WORKER_RECORD = "reliability.worker"  # its aggregate is the worker's seeker id
_CLOCK = "feed.clock"


@dataclass(frozen=True, slots=True)
class PendingEvent:
    type: str
    aggregate_id: str
    data: dict[str, Any]
    schema_version: int
    traceparent: str | None
    tracestate: str | None


class FeedNotifier:
    """Wakes long-polling readers in this process when events commit.

    A reader takes `generation` before it reads; `wait(since)` returns at once if a commit has been
    announced since then, so a commit landing between the read and the wait is never missed. Once
    `closed` (the server is stopping), readers answer with what they have instead of waiting.
    """

    def __init__(self) -> None:
        self.generation = 0
        self.closed = False
        self._event = asyncio.Event()

    def notify(self) -> None:
        self.generation += 1
        self._event.set()
        self._event = asyncio.Event()

    def close(self) -> None:
        """Wake every waiting reader for good: held-open polls must not hold up a server's stop."""
        self.closed = True
        self.notify()

    async def wait(self, since: int, timeout: float) -> None:
        if self.generation != since or self.closed:
            return
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            pass


def record(
    session: AsyncSession,
    clock: Clock,
    notifier: FeedNotifier | None,
    type_: str,
    aggregate_id: object,
    data: dict[str, Any],
    schema_version: int = 1,
) -> None:
    """Queue an event; it is written with the unit of work's commit."""
    pending: list[PendingEvent] = session.info.setdefault(_PENDING, [])
    pending.append(PendingEvent(type_, str(aggregate_id), data, schema_version, *current_context()))
    session.info[_CLOCK] = clock
    before_commit(session, _flush_events)
    if notifier is not None:
        after_commit(session, notifier.notify)


async def _flush_events(session: AsyncSession) -> None:
    events: list[PendingEvent] = session.info.pop(_PENDING, [])
    clock: Clock = session.info.pop(_CLOCK)
    if not events:
        return
    postgres = is_postgres(session)
    events, locked = await _pseudonymised(session, events, lock=postgres)
    if postgres and not locked:
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_ID})
    now = clock.now()
    session.add_all(
        OutboxEvent(
            type=e.type,
            aggregate_id=e.aggregate_id,
            data=e.data,
            schema_version=e.schema_version,
            created_at=now,
            traceparent=e.traceparent,
            tracestate=e.tracestate,
        )
        for e in events
    )
    await session.flush()


def _subject(event: PendingEvent) -> str | None:
    if event.type == WORKER_RECORD:
        return event.aggregate_id
    found = event.data.get("seeker_id")
    return found if isinstance(found, str) else None


def _predates(event: PendingEvent, erased_at: datetime) -> bool:
    """An application or engagement made before the erasure (not a new one of a seeker who registered
    again); disputes, appeals, ratings and reliability follow the kept record they are about."""
    if not event.type.startswith(("application.", "engagement.")):
        return True
    created = event.data.get("created_at")
    try:
        return not isinstance(created, str) or as_utc(datetime.fromisoformat(created)) <= erased_at
    except ValueError:
        return True


async def _pseudonymised(
    session: AsyncSession, events: list[PendingEvent], *, lock: bool
) -> tuple[list[PendingEvent], bool]:
    """Events about a record an erasure keeps with the seeker id (a wage record, docs/privacy.md §7.1)
    carry the pseudonym and no free text: the feed never gets the id back. One indexed lookup, only when
    the transaction writes events about seekers; with `lock`, the same statement takes the feed lock
    (one round trip for both), and the second value says whether it did."""
    subjects = {s for s in map(_subject, events) if s is not None}
    if not subjects:
        return events, False
    columns = select(SeekerErasure.seeker_id, SeekerErasure.pseudonym, SeekerErasure.requested_at)
    if lock:  # the lock is the outer side of a LEFT JOIN: taken whether or not any row matches
        feed_lock = select(func.pg_advisory_xact_lock(FEED_LOCK_ID).label("locked")).subquery("feed_lock")
        stmt = columns.select_from(feed_lock).outerjoin(SeekerErasure, SeekerErasure.seeker_id.in_(subjects))
    else:
        stmt = columns.where(SeekerErasure.seeker_id.in_(subjects))
    rows = await session.execute(stmt)
    erased = {sid: (alias, as_utc(at)) for sid, alias, at in rows.all() if sid is not None}
    if not erased:
        return events, lock
    out: list[PendingEvent] = []
    for event in events:
        subject = _subject(event)
        found = erased.get(subject) if subject is not None else None
        if found is not None and subject is not None and _predates(event, found[1]):
            alias = found[0]
            event = replace(
                event,
                aggregate_id=alias if event.aggregate_id == subject else event.aggregate_id,
                data=redacted(event.data, subject, alias, appeal=event.type.startswith("appeal.")),
            )
        out.append(event)
    return out, lock


async def read_after(session: AsyncSession, after: int, limit: int) -> list[OutboxEvent]:
    rows = await session.scalars(
        select(OutboxEvent).where(OutboxEvent.seq > after).order_by(OutboxEvent.seq).limit(limit)
    )
    return list(rows)


async def last_seq(session: AsyncSession) -> int:
    value = await session.scalar(select(OutboxEvent.seq).order_by(OutboxEvent.seq.desc()).limit(1))
    return int(value or 0)


def mark(session: AsyncSession) -> int:
    """How many events this unit of work has queued so far (see `discard_after`)."""
    return len(session.info.get(_PENDING, []))


def discard_after(session: AsyncSession, position: int) -> None:
    """Forget events queued after `mark` returned `position` (their savepoint was rolled back)."""
    pending: list[PendingEvent] = session.info.get(_PENDING, [])
    del pending[position:]
