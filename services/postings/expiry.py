"""Background task: postings past valid_until are closed, and the closure goes into the feed."""

import logging

from fastapi import FastAPI

from services.kit.periodic import PeriodicTask
from services.kit.tracing import tracer_of
from services.kit.uow import unit_of_work
from services.postings.deps import Ctx
from services.postings.postings import service as postings

log = logging.getLogger("lingong.postings.expiry")


class ExpirySweeper(PeriodicTask[int]):
    what = "expiry sweep"
    task_name = "postings-expiry"
    span_name = "expiry sweep"
    log = log

    def __init__(self, app: FastAPI) -> None:
        super().__init__(tracer_of(app))
        self.app = app

    async def run_once(self) -> int:
        state = self.app.state
        total = 0
        while True:
            async with unit_of_work(state.sessionmaker) as session:
                ctx = Ctx(
                    session=session, clock=state.clock, settings=state.settings, notifier=state.feed_notifier
                )
                closed = await postings.expire_due(ctx)
            total += closed
            if closed == 0:
                return total

    def work(self, result: int) -> dict[str, int] | None:
        return {"postings.closed": result} if result else None

    def report(self, result: int) -> None:
        if result:
            log.info("expired postings closed", extra={"count": result})
