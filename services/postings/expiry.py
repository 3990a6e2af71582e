"""Background task: postings past valid_until are closed, and the closure goes into the feed."""

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from services.kit.uow import unit_of_work
from services.postings.deps import Ctx
from services.postings.postings import service as postings

log = logging.getLogger("lingong.postings.expiry")


class ExpirySweeper:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._task: asyncio.Task[None] | None = None

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

    async def _loop(self, every: float) -> None:
        while True:
            try:
                closed = await self.run_once()
                if closed:
                    log.info("expired postings closed", extra={"count": closed})
            except Exception:
                log.exception("expiry sweep failed")
            await asyncio.sleep(every)

    def start(self, every: float) -> None:
        self._task = asyncio.create_task(self._loop(every), name="postings-expiry")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
