"""A typed client for the postings service: one httpx.AsyncClient, a service token, timeouts, retries.

Transport errors, timeouts, 429 and 5xx are retried with exponential backoff and jitter; what outlasts
the retries becomes `PostingsUnavailable`, any other 4xx `PostingsRejected`. Nothing here logs or
raises a URL or a token.
"""

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx
from pydantic import ValidationError

from services.kit.http import client as http_client
from services.kit.service_token import MintedToken as MintedToken  # re-exported for tests
from services.kit.service_token import StaticToken as StaticToken
from services.kit.service_token import TokenSource, service_token
from services.kit.settings import AuthSettings
from services.kit.tracing import instrument_client
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.exceptions import FeedPageInvalid, PostingsRejected, PostingsUnavailable
from services.matching.replica.schemas import FeedPageIn

if TYPE_CHECKING:
    from services.kit.tracing_sdk import Tracing

log = logging.getLogger("lingong.replica.client")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
Sleep = Callable[[float], Awaitable[None]]


def token_source(auth: AuthSettings, settings: ReplicaSettings) -> TokenSource:
    """The configured token if there is one, else one minted from the local key (embedded default)."""
    return service_token(
        auth,
        settings.service_token,
        settings.service_subject,
        settings.token_ttl_seconds,
        "MATCHING_REPLICA__SERVICE_TOKEN",
    )


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with "equal jitter": attempt n waits between half and all of base * 2^(n-1)."""

    base: float
    cap: float

    def delay(self, attempt: int, rng: random.Random, at_least: float = 0.0) -> float:
        ceiling = min(self.cap, self.base * float(2 ** min(attempt - 1, 32)))
        return min(self.cap, max(at_least, ceiling / 2 + rng.uniform(0, ceiling / 2)))


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0


class PostingsClient:
    """The postings service as matching sees it. Open it once (lifespan) and close it with `aclose`."""

    def __init__(
        self,
        base_url: str,
        token: TokenSource,
        settings: ReplicaSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        tracing: "Tracing | None" = None,
    ) -> None:
        self._token = token
        self._settings = settings
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._backoff = Backoff(settings.backoff_base_seconds, settings.backoff_max_seconds)
        self._http = instrument_client(
            tracing,
            http_client(
                base_url=base_url,
                transport=transport,
                timeout=self._timeout(0.0),
                headers={"Accept": "application/json", "User-Agent": "lingong-matching/0.1"},
                follow_redirects=False,
            ),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def _timeout(self, wait: float) -> httpx.Timeout:
        s = self._settings
        return httpx.Timeout(s.read_timeout_seconds + wait, connect=s.connect_timeout_seconds)

    async def read_feed(self, after: int, *, limit: int, wait: float = 0.0) -> FeedPageIn:
        """One page of the change feed after `after`, long-polling up to `wait` seconds for news."""
        params = {"after": after, "limit": limit, "wait": wait}
        response = await self._get("/v1/feed", params, self._timeout(wait))
        try:
            return FeedPageIn.model_validate_json(response.content)
        except ValidationError:
            raise FeedPageInvalid("the feed answered with something that is not a feed page") from None

    async def acknowledge(self) -> None:
        """Nothing to do: the HTTP feed is read by position, the replica's cursor."""

    async def _get(self, path: str, params: dict[str, Any], timeout: httpx.Timeout) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            headers = {"Authorization": f"Bearer {self._token.token()}"}
            retry_after = 0.0
            try:
                response = await self._http.get(path, params=params, headers=headers, timeout=timeout)
            except httpx.RequestError as exc:
                cause = type(exc).__name__
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return response
                if status not in RETRY_STATUSES:
                    raise PostingsRejected(f"the postings service answered {status}", upstream_status=status)
                cause, retry_after = f"HTTP {status}", _retry_after(response)
            if attempt >= self._settings.max_attempts:
                raise PostingsUnavailable(f"gave up after {attempt} attempts ({cause})", cause=cause)
            delay = self._backoff.delay(attempt, self._rng, at_least=retry_after)
            log.info("postings request failed; retrying", extra={"cause": cause, "attempt": attempt})
            await self._sleep(delay)
