"""A service's background task: one round every few seconds on the event loop, never dying of an error."""

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Generic, TypeVar

from services.kit.db import is_busy
from services.kit.tracing import background_span

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

R = TypeVar("R")


class PeriodicTask(Generic[R]):
    """Subclasses give `run_once()` (one round, also called directly by tests), `report(result)` and
    `work(result)`.

    With tracing on (`tracer` set), a round that did something is one span named `span_name`, current
    while the round and its report run (their log lines carry its trace id); an idle round makes none.
    A round that fails is logged and the next one comes on time; a round that found the embedded
    database's write lock held by another writer past the busy timeout is deferred with a warning.
    """

    what = "background task"  # the words of its log lines: "<what> failed"
    task_name = "background-task"
    log = logging.getLogger("lingong")
    span_name: str | None = None  # None: rounds make no spans (a health probe, like /healthz)

    def __init__(self, tracer: "Tracer | None" = None) -> None:
        self._task: asyncio.Task[None] | None = None
        self.tracer = tracer

    async def run_once(self) -> R:
        raise NotImplementedError

    def report(self, result: R) -> None:
        """Log what a round did (nothing by default)."""

    def work(self, result: R) -> Mapping[str, int | str] | None:
        """What a round did, as span attributes (counts; never ids or personal data), or None when it
        was idle. By default a round whose result is a non-zero count did `{"count": n}`."""
        if isinstance(result, int) and not isinstance(result, bool) and result:
            return {"count": result}
        return None

    async def tick(self) -> R:
        """One round and its report, in a span when tracing is on and the round did something."""
        tracer = self.tracer if self.span_name else None
        with background_span(tracer, self.span_name or self.task_name) as span:
            result = await self.run_once()
            done = self.work(result)
            if done is not None:
                span.did(**done)
            self.report(result)
        return result

    async def _loop(self, every: float) -> None:
        while True:
            try:
                await self.tick()
            except Exception as exc:
                if is_busy(exc):
                    self.log.warning(f"{self.what} deferred: the database is busy with another writer")
                else:
                    self.log.exception(f"{self.what} failed")
            await asyncio.sleep(every)

    @property
    def running(self) -> bool:
        """Started and not stopped (its rounds come every few seconds)."""
        return self._task is not None and not self._task.done()

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
