"""A service's background task: one round every few seconds on the event loop, never dying of an error."""

import asyncio
import contextlib
import logging
from typing import Generic, TypeVar

from services.kit.db import is_busy

R = TypeVar("R")


class PeriodicTask(Generic[R]):
    """Subclasses give `run_once()` (one round, also called directly by tests) and `report(result)`.

    A round that fails is logged and the next one comes on time; a round that found the embedded
    database's write lock held by another writer past the busy timeout is deferred with a warning.
    """

    what = "background task"  # the words of its log lines: "<what> failed"
    task_name = "background-task"
    log = logging.getLogger("lingong")

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> R:
        raise NotImplementedError

    def report(self, result: R) -> None:
        """Log what a round did (nothing by default)."""

    async def _loop(self, every: float) -> None:
        while True:
            try:
                self.report(await self.run_once())
            except Exception as exc:
                if is_busy(exc):
                    self.log.warning(f"{self.what} deferred: the database is busy with another writer")
                else:
                    self.log.exception(f"{self.what} failed")
            await asyncio.sleep(every)

    def start(self, every: float) -> None:
        self._task = asyncio.create_task(self._loop(every), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def raise_if_cancelled() -> None:
    """Re-raise a cancellation some library swallowed (nats-py does, around flushes and publishes)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
