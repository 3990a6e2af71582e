"""Back-pressure as pure ASGI: a bounded number of requests in flight, a bounded queue before them, and
503 `overloaded` with `Retry-After` for the rest, at once, instead of queueing for minutes.

A request waits for a slot at most `max_queue_wait_seconds`, and only while fewer than `max_queue`
others wait; past either bound it is refused before any work is done for it. The in-flight count cannot
see requests the event loop has not read yet, so a timer also measures how late the loop runs: for a
second after it ran more than `max_loop_lag_seconds` late (too much work queued on it, or the process
starved of CPU), every new request is refused too, which lets the loop catch up. Health, metrics and
long-poll routes (passed by the service) are never counted or refused: a probe must see a busy process
as alive, and a long poll holds its request open by design.
"""

import asyncio
import json
import math

from starlette.types import ASGIApp, Receive, Scope, Send

from services.kit.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from services.kit.settings import LoadSheddingSettings

ALWAYS_EXEMPT = ("/healthz", "/readyz", "/metrics")
LAG_TICK = 0.05  # seconds between looks at the event loop's lag
LAG_HOLD = 1.0  # seconds new requests are refused after the loop ran too late


class LoadShedder:
    """The in-flight count and the queue before it; one per app, bound to the serving event loop."""

    def __init__(self, settings: LoadSheddingSettings) -> None:
        self.settings = settings
        self.in_flight = 0
        self.waiting = 0
        self.shed = 0
        self.lag = 0.0  # how late the loop ran at the last tick, seconds
        self._lagging_until = 0.0
        self._slots: asyncio.Semaphore | None = None
        self._watch: asyncio.Task[None] | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.settings.max_in_flight)
        return self._slots

    async def _watch_lag(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(LAG_TICK)
            self.lag = loop.time() - before - LAG_TICK
            if self.lag > self.settings.max_loop_lag_seconds:
                self._lagging_until = loop.time() + LAG_HOLD

    def _lagging(self) -> bool:
        if not self.settings.max_loop_lag_seconds:
            return False
        if self._watch is None:
            self._watch = asyncio.get_running_loop().create_task(self._watch_lag())
        return asyncio.get_running_loop().time() < self._lagging_until

    async def close(self) -> None:
        """Stops the lag timer (the app's lifespan calls this on the way out)."""
        watch, self._watch = self._watch, None
        if watch is not None:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    async def acquire(self) -> bool:
        """Take a slot, waiting within the bounds; False when the request is to be refused."""
        if self._lagging():
            self.shed += 1
            return False
        slots = self._semaphore()
        if not slots.locked():
            await slots.acquire()
        elif self.waiting >= self.settings.max_queue:
            self.shed += 1
            return False
        else:
            self.waiting += 1
            try:
                await asyncio.wait_for(slots.acquire(), self.settings.max_queue_wait_seconds)
            except TimeoutError:
                self.shed += 1
                return False
            finally:
                self.waiting -= 1
        self.in_flight += 1
        return True

    def release(self) -> None:
        self.in_flight -= 1
        self._semaphore().release()


def _problem(retry_after: int) -> bytes:
    return json.dumps(
        {
            "type": PROBLEM_BASE + "overloaded",
            "title": "The service is at capacity, try again shortly",
            "title_zh": "服务繁忙，请稍后重试",
            "status": 503,
            "code": "overloaded",
            "retry_after": retry_after,
        }
    ).encode()


class LoadSheddingMiddleware:
    def __init__(self, app: ASGIApp, shedder: LoadShedder, exempt: tuple[str, ...] = ()) -> None:
        self.app = app
        self.shedder = shedder
        self.exempt = ALWAYS_EXEMPT + tuple(exempt)
        self.retry_after = max(1, math.ceil(shedder.settings.retry_after_seconds))

    async def _refuse(self, send: Send) -> None:
        body = _problem(self.retry_after)
        headers = [
            (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(self.retry_after).encode()),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        if not await self.shedder.acquire():
            await self._refuse(send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.shedder.release()
