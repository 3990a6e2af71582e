"""Abuse limits per principal and per client address (the `limits` library), as pure ASGI middleware.

Counters live in Redis when `rate_limit.storage_url` names one, so every worker and replica shares them,
and in this process's memory otherwise. When Redis stops answering, the limits fall back to memory
(each process counting alone) until it answers again: abuse stays damped and no request fails for it.
"""

import json
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.errors import StorageError
from limits.storage import storage_from_string
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from services.kit.auth import Principal, authenticate
from services.kit.metrics import StatusWatch
from services.kit.problems import PROBLEM_MEDIA_TYPE, ProblemError, Unauthorized
from services.kit.settings import RateLimitRule, RateLimitSettings

log = logging.getLogger("lingong.ratelimit")


class RateLimited(ProblemError):
    status, code = 429, "rate_limited"
    title, title_zh = "Too many requests, try again later", "请求过于频繁，请稍后再试"


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    item: RateLimitItem
    scope: str
    methods: frozenset[str]
    path: re.Pattern[str] | None
    statuses: frozenset[int]

    @classmethod
    def of(cls, rule: RateLimitRule) -> "_Rule":
        return cls(
            name=rule.name,
            item=parse(rule.limit),
            scope=rule.scope,
            methods=frozenset(m.upper() for m in rule.methods),
            path=re.compile(rule.path) if rule.path else None,
            statuses=frozenset(rule.statuses),
        )

    def matches(self, method: str, path: str) -> bool:
        return (not self.methods or method in self.methods) and (
            self.path is None or self.path.search(path) is not None
        )


_STRATEGIES: dict[str, Callable[[Storage], RateLimiter]] = {
    "moving-window": MovingWindowRateLimiter,
    "sliding-window-counter": SlidingWindowCounterRateLimiter,
    "fixed-window": FixedWindowRateLimiter,
}


def _storage_url(url: str) -> str:
    return url if url.startswith("async+") else "async+" + url


class AbuseLimiter:
    """The configured rules over a shared storage, with an in-memory fallback while it is down."""

    def __init__(self, settings: RateLimitSettings) -> None:
        self.settings = settings
        self.rules = [_Rule.of(r) for r in settings.rules]
        strategy = _STRATEGIES[settings.strategy]
        url = _storage_url(settings.storage_url)
        options: dict[str, Any] = {"key_prefix": settings.key_prefix, "wrap_exceptions": True}
        if not url.startswith("async+memory"):
            wait = settings.storage_timeout_seconds
            options |= {"implementation": "redispy", "socket_timeout": wait, "socket_connect_timeout": wait}
        self._storage = cast(Storage, storage_from_string(url, **options))
        self._primary: RateLimiter = strategy(self._storage)
        self._fallback: RateLimiter = strategy(cast(Storage, storage_from_string("async+memory://")))
        self._down_until = 0.0

    def _limiter(self) -> RateLimiter:
        return self._fallback if time.monotonic() < self._down_until else self._primary

    def _storage_failed(self, exc: Exception) -> None:
        if time.monotonic() >= self._down_until:
            log.warning(
                "rate-limit storage unreachable; counting in memory",
                extra={"error_type": type(exc).__name__, "retry_in_seconds": self.settings.fallback_seconds},
            )
        self._down_until = time.monotonic() + self.settings.fallback_seconds

    async def _call(self, op: str, rule: _Rule, key: str) -> Any:
        try:
            return await getattr(self._limiter(), op)(rule.item, rule.name, key)
        except StorageError as exc:
            self._storage_failed(exc)
            return await getattr(self._fallback, op)(rule.item, rule.name, key)

    async def admit(self, rule: _Rule, key: str, *, count: bool) -> float | None:
        """None when admitted (counting the request if `count`), else seconds until it would be."""
        allowed = await self._call("hit" if count else "test", rule, key)
        if allowed:
            return None
        stats = await self._call("get_window_stats", rule, key)
        return float(max(1, math.ceil(stats.reset_time - time.time())))

    async def record(self, rule: _Rule, key: str) -> None:
        await self._call("hit", rule, key)

    async def close(self) -> None:
        bridge = getattr(self._storage, "bridge", None)
        client = getattr(bridge, "storage", None)
        if client is not None and hasattr(client, "aclose"):
            await client.aclose()


def _problem(rule: str, retry_after: float) -> bytes:
    body = RateLimited(f"limit '{rule}' reached", limit=rule, retry_after=int(retry_after)).body()
    return json.dumps(body).encode()


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = bytes(value).decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


class RateLimitMiddleware:
    """Answers 429 with Retry-After once a rule's budget for this principal or address is spent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter: AbuseLimiter | None = getattr(scope["app"].state, "rate_limiter", None)
        if scope["type"] != "http" or limiter is None:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        rules = [r for r in limiter.rules if r.matches(method, path)]
        if not rules:
            await self.app(scope, receive, send)
            return
        principal = await _principal(scope)
        if principal is not None and principal.role.value in limiter.settings.exempt_roles:
            await self.app(scope, receive, send)
            return
        keys = {"address": _address(scope), "principal": principal.key if principal else None}
        # A rule counting refused credentials gates only requests that carry none that verify.
        rules = [r for r in rules if not (r.statuses == {401} and principal is not None)]
        for rule in rules:
            key = keys[rule.scope]
            if key is None:
                continue
            wait = await limiter.admit(rule, key, count=not rule.statuses)
            if wait is not None:
                await _refuse(send, rule.name, wait)
                return
        after = [r for r in rules if r.statuses and keys[r.scope] is not None]
        if not after:
            await self.app(scope, receive, send)
            return
        response = StatusWatch(send)
        await self.app(scope, receive, response.send)
        for rule in after:
            if response.status in rule.statuses:
                await limiter.record(rule, str(keys[rule.scope]))


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def _principal(scope: Scope) -> Principal | None:
    token = _bearer(scope)
    if token is None:
        return None
    try:
        return await authenticate(Request(scope), token)
    except Unauthorized:
        return None


async def _refuse(send: Send, rule: str, retry_after: float) -> None:
    body = _problem(rule, retry_after)
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(int(retry_after)).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
