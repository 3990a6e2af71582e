"""The identity provider's signing keys (JWKS), fetched over HTTP and cached by `kid`.

The set is kept for a bounded time (`max_age`) and fetched again early only when a token names a key
it does not hold, at most once per `min_refresh`, so a flood of forged `kid`s cannot hammer the provider.
"""

import asyncio
import logging
from collections.abc import Callable

import httpx
import jwt

from services.kit.http import client as http_client

log = logging.getLogger("lingong.auth")


class JwksKeySet:
    """Signing keys by `kid`, refreshed when stale or, rate-limited, when a `kid` is unknown."""

    def __init__(
        self,
        url: str,
        *,
        now: Callable[[], float],
        max_age: float = 600,
        min_refresh: float = 60,
        timeout: float = 5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.max_age = max_age
        self.min_refresh = min_refresh
        self.timeout = timeout
        self._now = now
        self._transport = transport
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    def get(self, kid: str) -> jwt.PyJWK | None:
        """The cached key with this `kid`; no I/O."""
        return self._keys.get(kid)

    async def ensure(self, kid: str | None) -> None:
        """Fetch the set if it is stale, or if `kid` is unknown and the last try is old enough."""
        if not self._needs_fetch(kid):
            return
        async with self._lock:
            if self._needs_fetch(kid):
                await self._fetch()

    def _needs_fetch(self, kid: str | None) -> bool:
        now = self._now()
        if self._fetched_at is None or now - self._fetched_at >= self.max_age:
            return self._tried_at is None or now - self._tried_at >= min(self.min_refresh, self.max_age)
        unknown = kid is not None and kid not in self._keys
        return unknown and (self._tried_at is None or now - self._tried_at >= self.min_refresh)

    async def _fetch(self) -> None:
        self._tried_at = self._now()
        self.fetches += 1
        try:
            async with http_client(transport=self._transport, timeout=self.timeout) as client:
                response = await client.get(self.url, headers={"Accept": "application/json"})
                response.raise_for_status()
                keys = _usable_keys(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            # Keep the keys we have: a provider outage must not turn every valid token away at once.
            log.warning("jwks fetch failed", extra={"error_type": type(exc).__name__})
            return
        self._keys = keys
        self._fetched_at = self._tried_at


def _usable_keys(document: object) -> dict[str, jwt.PyJWK]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK set")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig" or not entry.get("kid"):
            continue
        try:
            key = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            continue
        if key.algorithm_name in ALGORITHMS:
            keys[str(entry["kid"])] = key
    return keys


ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"})
"""Asymmetric algorithms only: a symmetric key published in a JWKS would let anyone sign."""
