"""A journal of seekers whose ranking inputs changed: profile, consents, sensitive data, erasure.

Writers call `touched(ctx, seeker_id)`; the ids are written to `seeker_changes` just before the unit of
work commits, under a lock held through COMMIT (PostgreSQL; SQLite writers are serial), so ids are
handed out in commit order and a reader that has seen id N has seen every change committed before it.
Readers (the employer-side candidate pool, in every matching process) ask `changed_since(N)` before
they rank, and re-read those seekers; so a withdrawn consent stops counting from the next ranking on.

Under the same lock, in the same transaction, the statistics' supply facts of the touched seekers are
derived again (`statistics.seeker_facts.refresh`): every writer that changes a seeker's county, codes
or consents already comes through here.
"""

from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import Clock
from services.kit.db import is_postgres
from services.kit.uow import before_commit
from services.matching.seekers.deps import Ctx
from services.matching.seekers.models import SeekerChange
from services.matching.statistics import seeker_facts

JOURNAL_LOCK_ID = 0x736B6A6C  # "skjl": apart from the other advisory locks of the matching database
READ_PAGE = 5000
_PENDING = "seekers.touched"
_CLOCK = "seekers.touched.clock"


def touched(ctx: Ctx, seeker_id: str) -> None:
    """Note that this unit of work changes what the ranking reads about `seeker_id`."""
    pending: set[str] = ctx.session.info.setdefault(_PENDING, set())
    pending.add(seeker_id)
    ctx.session.info[_CLOCK] = ctx.clock
    before_commit(ctx.session, _write)


async def _write(session: AsyncSession) -> None:
    ids: set[str] = session.info.pop(_PENDING, set())
    clock: Clock | None = session.info.pop(_CLOCK, None)
    if not ids or clock is None:
        return
    if is_postgres(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": JOURNAL_LOCK_ID})
    await seeker_facts.refresh(session, ids)
    now = clock.now()
    session.add_all(SeekerChange(seeker_id=seeker_id, at=now) for seeker_id in sorted(ids))
    await session.flush()


# Built once: asked on every matches request, and SQLAlchemy keeps a statement object's cache key.
_HEAD = select(func.max(SeekerChange.id))


async def head(session: AsyncSession) -> int:
    """The newest journal id (0 when empty): read it before loading a pool, then follow from it."""
    return int(await session.scalar(_HEAD) or 0)


async def changed_since(session: AsyncSession, after: int) -> tuple[int, set[str] | None]:
    """(newest id read, the seekers changed after `after`); None instead of the seekers when entries
    after `after` may have been pruned already (the reader was idle past the retention): reload all."""
    oldest = await session.scalar(select(func.min(SeekerChange.id)))
    if oldest is not None and oldest > after + 1:
        return await head(session), None
    seen: set[str] = set()
    last = after
    while True:
        rows = (
            await session.execute(
                select(SeekerChange.id, SeekerChange.seeker_id)
                .where(SeekerChange.id > last)
                .order_by(SeekerChange.id)
                .limit(READ_PAGE)
            )
        ).all()
        seen.update(seeker_id for _, seeker_id in rows)
        if rows:
            last = rows[-1][0]
        if len(rows) < READ_PAGE:
            return last, seen


async def prune(session: AsyncSession, before: datetime) -> int:
    """Drop entries older than `before` (a reader that far behind reloads its whole pool instead). The
    newest entry always stays, so ids keep growing (SQLite would start again from the largest left)."""
    newest = await head(session)
    result = await session.execute(
        delete(SeekerChange).where(SeekerChange.at < before, SeekerChange.id < newest)
    )
    return int(getattr(result, "rowcount", 0) or 0)
