"""Background task: erasures still holding wage records are applied again as of now, so each record takes
the pseudonym once its keeping period ends (POSTINGS_ERASURE__SWEEP_SECONDS, docs/privacy.md §7)."""

import logging

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.periodic import PeriodicTask
from services.kit.tracing import tracer_of
from services.kit.uow import unit_of_work
from services.postings.deps import Ctx
from services.postings.erasure import service

log = logging.getLogger("lingong.postings.erasure")


class ErasureSweeper(PeriodicTask[int]):
    what = "erasure sweep"
    task_name = "postings-erasure"
    log = log

    span_name = "erasure sweep"

    def __init__(self, app: FastAPI) -> None:
        super().__init__(tracer_of(app))
        self.app = app

    def _ctx(self, session: AsyncSession) -> Ctx:
        state = self.app.state
        return Ctx(session=session, clock=state.clock, settings=state.settings, notifier=state.feed_notifier)

    async def run_once(self) -> int:
        """Every due erasure, in batches, each in its own transaction; returns how many were applied."""
        state = self.app.state
        total, after = 0, ""
        while True:
            async with unit_of_work(state.sessionmaker, writer=False) as session:
                due = await service.due(self._ctx(session), state.settings.erasure.batch_size, after)
            if not due:
                return total
            for pseudonym in due:
                async with unit_of_work(state.sessionmaker) as session:
                    await service.apply_one(self._ctx(session), pseudonym)
            total, after = total + len(due), due[-1]

    def work(self, result: int) -> dict[str, int] | None:
        return {"erasures.applied": result} if result else None

    def report(self, result: int) -> None:
        if result:
            log.info("erasures applied again", extra={"count": result})
