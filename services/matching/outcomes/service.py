"""Placements ending: staff record that a job ended; the sweep ends gigs past their `ends_at`.

Both run the outcome hooks in their own transaction, like the replica's batch does.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal
from services.kit.clock import as_utc
from services.matching.cases import scope
from services.matching.outcomes.exceptions import PlacementEnded, PlacementNotFound, WorkEndBeforeStart
from services.matching.outcomes.folding import signal_of
from services.matching.outcomes.hooks import OutcomeHooks
from services.matching.outcomes.models import Placement

SWEEP_BATCH = 500


async def placements_of(session: AsyncSession, seeker_id: str) -> Sequence[Placement]:
    stmt = select(Placement).where(Placement.seeker_id == seeker_id).order_by(Placement.placed_at.desc())
    return (await session.scalars(stmt)).all()


async def end(
    session: AsyncSession,
    hooks: OutcomeHooks,
    principal: Principal,
    placement_id: uuid.UUID,
    ended_at: datetime,
    reason: str,
    now: datetime,
) -> Placement:
    placement = await session.scalar(select(Placement).where(Placement.id == placement_id).with_for_update())
    if placement is None or not scope.may_see(principal, placement.county_adcode, placement.station_id):
        raise PlacementNotFound()  # staff of another county or station: the same 404 as no placement
    if placement.ended_at is not None:
        raise PlacementEnded()
    ended_at = ended_at.astimezone(UTC)
    if ended_at < as_utc(placement.placed_at) or ended_at > now:
        raise WorkEndBeforeStart()
    placement.ended_at, placement.end_reason, placement.ended_by = ended_at, reason, principal.sub
    await session.flush()
    await hooks.run(session, [signal_of(placement, "work_ended", ended_at)], now)
    return placement


async def sweep_lapsed(session: AsyncSession, hooks: OutcomeHooks, now: datetime) -> int:
    """End gig placements whose time in work has passed; returns how many."""
    stmt = (
        select(Placement)
        .where(Placement.ended_at.is_(None), Placement.ends_at.is_not(None), Placement.ends_at <= now)
        .order_by(Placement.ends_at)
        .limit(SWEEP_BATCH)
        .with_for_update(skip_locked=True)
    )
    lapsed = list((await session.scalars(stmt)).all())
    signals = []
    for placement in lapsed:
        assert placement.ends_at is not None
        placement.ended_at, placement.end_reason = as_utc(placement.ends_at), "gig_lapsed"
        signals.append(signal_of(placement, "work_ended", as_utc(placement.ends_at)))
    await session.flush()
    await hooks.run(session, signals, now)
    return len(lapsed)
