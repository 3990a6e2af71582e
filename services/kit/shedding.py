"""Back-pressure as pure ASGI: a bounded number of requests in flight, a bounded queue before them, and
503 `overloaded` with `Retry-After` for the rest, at once, instead of queueing for minutes.

A request waits for a slot at most `max_queue_wait_seconds`, and only while fewer than `max_queue`
others wait; past either bound it is refused before any work is done for it. Health, metrics and
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


class LoadShedder:
    """The in-flight count and the queue before it; one per app, bound to the serving event loop."""

    def __init__(self, settings: LoadSheddingSettings) -> None:
        self.settings = settings
        self.in_flight = 0
        self.waiting = 0
        self.shed = 0
        self._slots: asyncio.Semaphore | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.settings.max_in_flight)
        return self._slots

    async def acquire(self) -> bool:
        """Take a slot, waiting within the bounds; False when the request is to be refused."""
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
