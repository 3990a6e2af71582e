"""The feed consumer: a background task that long-polls the postings feed and applies each page.

It keeps going through anything: a failed poll or a failed transaction is retried after a backoff
from the same position (nothing was committed), an unreadable event is dead-lettered by the apply.
"""

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import Clock
from services.kit.periodic import raise_if_cancelled
from services.kit.problems import ProblemError
from services.kit.uow import unit_of_work
from services.matching.outcomes.hooks import OutcomeHooks
from services.matching.replica import service
from services.matching.replica.client import Backoff, Sleep
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.listeners import ReplicaChange, ReplicaListeners
from services.matching.replica.schemas import ConsumerStateName, FeedPageIn

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

log = logging.getLogger("lingong.replica")

IDLE_SECONDS = (
    1.0  # between empty polls when the feed does not hold them (poll_wait_seconds=0 polls this often)
)


class FeedSource(Protocol):
    """Where pages come from: the postings client (HTTP) or `JetStreamFeed`."""

    async def read_feed(self, after: int, *, limit: int, wait: float = 0.0) -> FeedPageIn: ...

    async def acknowledge(self) -> None: ...


@dataclass(slots=True)
class ConsumerState:
    """What the consumer is doing, for the status route. Error text is a class name, never a message."""

    state: ConsumerStateName = "stopped"
    last_error: str | None = None
    last_error_cause: str | None = None
    consecutive_failures: int = 0
    last_poll_at: datetime | None = None
    feed_head: int | None = None  # newest seq known to exist, as of the last poll
    unreachable_since: datetime | None = None  # the first failure of the current run of failures
    head_exact: bool = False  # False when the last page was full (more may be waiting)


class ReplicaConsumer:
    def __init__(
        self,
        client: FeedSource,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: ReplicaSettings,
        listeners: ReplicaListeners,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        checkpoint: service.Checkpoint | None = None,
        hooks: OutcomeHooks | None = None,
        tracer: "Tracer | None" = None,
    ) -> None:
        self.client = client
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.settings = settings
        self.listeners = listeners
        self.state = ConsumerState()
        self.position: int | None = None  # the seq this process has read up to
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._backoff = Backoff(settings.backoff_base_seconds, settings.backoff_max_seconds)
        self._checkpoint = checkpoint
        self._hooks = hooks
        self._task: asyncio.Task[None] | None = None
        self._tracer = tracer  # None: tracing is off (kit/tracing.py)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self.state.state = "starting"
            self._task = asyncio.create_task(self.run(), name="replica-consumer")

    async def stop(self) -> None:
        """Cancel the task and wait for it: an open transaction rolls back, an open poll is dropped."""
        task, self._task = self._task, None
        while task is not None and not task.done():
            task.cancel()  # again if a library swallowed the first one
            await asyncio.wait({task}, timeout=1)
        self.state.state = "stopped"

    async def run(self) -> None:
        """Poll and apply until cancelled."""
        while True:
            # Starting or recovering, poll without waiting, so the state turns "running" at once.
            quick = self.state.state != "running"
            wait = 0.0 if quick else self.settings.poll_wait_seconds
            started = time.monotonic()
            try:
                result = await self.step(wait=wait)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - whatever failed, back off and try again
                raise_if_cancelled()  # a library may turn a cancellation into its own error
                await self._back_off(exc)
                continue
            self.state.state = "running"
            self.state.consecutive_failures = 0
            self.state.unreachable_since = None
            held = time.monotonic() - started >= wait / 2 > 0
            if result is None and not quick and not held:
                # Nothing new, and the feed did not hold the poll (wait=0, a proxy, an old server).
                await self._sleep(IDLE_SECONDS)

    async def step(self, wait: float | None = None) -> service.BatchResult | None:
        """One poll (long-polling `wait` seconds, the configured wait by default) and its apply."""
        if self.position is None:
            self.position = await self._stored_cursor()
        limit = self.settings.page_size
        page = await self.client.read_feed(
            self.position, limit=limit, wait=self.settings.poll_wait_seconds if wait is None else wait
        )
        self._note_poll(page, limit)
        if not page.events:
            return None
        started_ns = time.time_ns() if self._tracer is not None else 0
        async with unit_of_work(self.sessionmaker) as session:
            result = await service.apply_page(
                session,
                self.settings.source,
                page.events,
                self.clock.now(),
                self._checkpoint or _noop,
                self._hooks,
            )
        await self.client.acknowledge()  # after COMMIT: a page redelivered after a crash is skipped
        if self._tracer is not None:
            self._trace(page.events, started_ns, result)
        self.position = max(self.position, max(int(e["seq"]) for e in page.events))
        if result.postings or result.employers:
            self.listeners.notify(
                ReplicaChange(result.cursor, tuple(result.postings), tuple(result.employers))
            )
        return result

    def _trace(self, events: list[dict[str, Any]], started_ns: int, result: service.BatchResult) -> None:
        from services.kit.tracing_sdk import feed_apply

        assert self._tracer is not None
        counts = {"applied": result.applied, "skipped": result.skipped, "cursor": result.cursor}
        feed_apply(self._tracer, events, started_ns, self.settings.transport, counts)

    async def _stored_cursor(self) -> int:
        async with self.sessionmaker() as session:
            cursor = await service.read_cursor(session, self.settings.source)
        return cursor.seq if cursor is not None else 0

    def _note_poll(self, page: FeedPageIn, limit: int) -> None:
        self.state.last_poll_at = self.clock.now()
        newest = max((int(e["seq"]) for e in page.events), default=self.position or 0)
        if page.head is not None:
            self.state.feed_head, self.state.head_exact = max(page.head, newest), True
        else:
            self.state.feed_head, self.state.head_exact = newest, len(page.events) < limit

    async def _back_off(self, exc: Exception) -> None:
        state = self.state
        state.consecutive_failures += 1
        state.state = "backing_off"
        state.unreachable_since = state.unreachable_since or self.clock.now()
        state.last_error = type(exc).__name__
        state.last_error_cause = _cause(exc)
        delay = self._backoff.delay(state.consecutive_failures, self._rng)
        log.warning(
            "replica consumer backing off",
            extra={"error_type": state.last_error, "cause": state.last_error_cause, "delay_s": delay},
        )
        await self._sleep(delay)


def _cause(exc: Exception) -> str | None:
    """What our own client errors say they saw (an error class or an HTTP status); nothing for others."""
    if not isinstance(exc, ProblemError):
        return None
    cause = exc.extra.get("cause", exc.extra.get("upstream_status"))
    return None if cause is None else str(cause)


async def _noop(_: str) -> None:
    return None
