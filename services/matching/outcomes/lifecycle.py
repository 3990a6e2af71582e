"""At start: the sweep that ends paid gigs' time in work; it runs the outcome hooks like the feed does."""

import logging

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import Clock
from services.kit.periodic import PeriodicTask
from services.kit.tracing import tracer_of
from services.kit.uow import unit_of_work
from services.matching.outcomes import service
from services.matching.outcomes.hooks import OutcomeHooks, outcome_hooks


class LapseSweeper(PeriodicTask[int]):
    what = "gig placement sweep"
    task_name = "outcomes-lapse-sweeper"
    span_name = "gig placement sweep"
    log = logging.getLogger("lingong.outcomes")

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, hooks: OutcomeHooks
    ) -> None:
        super().__init__()
        self.sessionmaker, self.clock, self.hooks = sessionmaker, clock, hooks

    async def run_once(self) -> int:
        async with unit_of_work(self.sessionmaker) as session:
            return await service.sweep_lapsed(session, self.hooks, self.clock.now())

    def work(self, result: int) -> dict[str, int] | None:
        return {"placements.ended": result} if result else None

    def report(self, result: int) -> None:
        if result:
            self.log.info("gig placements ended", extra={"count": result})


async def start(app: FastAPI) -> None:
    hooks = outcome_hooks(app)
    sweeper = app.state.outcomes_sweeper = LapseSweeper(app.state.sessionmaker, app.state.clock, hooks)
    sweeper.tracer = tracer_of(app)
    if app.state.background and hooks.settings.sweep_enabled:
        sweeper.start(hooks.settings.sweep_every_seconds)


async def stop(app: FastAPI) -> None:
    sweeper: LapseSweeper | None = getattr(app.state, "outcomes_sweeper", None)
    if sweeper is not None:
        await sweeper.stop()
