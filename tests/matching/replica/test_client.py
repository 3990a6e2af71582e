"""PostingsClient on httpx.MockTransport: token, timeouts, retries with backoff, our own exceptions."""

import random
import uuid
from collections.abc import Callable

import httpx
import jwt
import pytest
from pydantic import SecretStr

from services.kit.auth import TokenVerifier
from services.kit.settings import AuthSettings
from services.matching.replica.client import Backoff, MintedToken, PostingsClient, token_source
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.exceptions import FeedPageInvalid, PostingsRejected, PostingsUnavailable
from tests.matching.replica.conftest import Sleeps
from tests.matching.replica.feeds import ScriptedFeed, event, posting_data

MakeClient = Callable[..., PostingsClient]


def _feed_with_one_event() -> ScriptedFeed:
    return ScriptedFeed([event(1, "posting.created", posting_data(uuid.uuid4(), uuid.uuid4()))])


async def test_the_feed_is_read_after_the_cursor_with_limit_and_wait(make_client: MakeClient) -> None:
    feed = _feed_with_one_event()
    async with make_client(feed.transport()) as client:
        page = await client.read_feed(0, limit=50, wait=2.5)

    assert dict(feed.requests[0].url.params) == {"after": "0", "limit": "50", "wait": "2.5"}
    assert feed.requests[0].url.path == "/v1/feed"
    assert [e["seq"] for e in page.events] == [1]
    assert page.next == 1


async def test_requests_carry_a_service_token_the_postings_service_accepts(
    make_client: MakeClient, auth_settings: AuthSettings
) -> None:
    feed = _feed_with_one_event()
    async with make_client(feed.transport()) as client:
        await client.read_feed(0, limit=10)

    scheme, _, token = feed.requests[0].headers["Authorization"].partition(" ")
    principal = TokenVerifier(auth_settings).verify(token)
    assert (scheme, principal.role.value, principal.sub) == ("Bearer", "service", "matching")


async def test_a_long_poll_gets_a_read_timeout_longer_than_its_wait(make_client: MakeClient) -> None:
    feed = _feed_with_one_event()
    async with make_client(feed.transport(), read_timeout_seconds=4, connect_timeout_seconds=1) as client:
        await client.read_feed(0, limit=10, wait=20)

    timeout = feed.requests[0].extensions["timeout"]
    assert (timeout["read"], timeout["connect"]) == (24, 1)


async def test_503_is_retried_with_growing_backoff_until_the_feed_answers(
    make_client: MakeClient, sleeps: Sleeps
) -> None:
    feed = _feed_with_one_event()
    feed.replies = [httpx.Response(503), httpx.Response(503)]
    async with make_client(feed.transport(), max_attempts=3, backoff_base_seconds=1) as client:
        page = await client.read_feed(0, limit=10)

    assert len(feed.requests) == 3
    assert [e["seq"] for e in page.events] == [1]
    assert 0.5 <= sleeps.delays[0] <= 1 < sleeps.delays[1] <= 2


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("cut")],
    ids=["connect", "read-timeout", "protocol"],
)
async def test_transport_errors_are_retried(
    failure: Exception, make_client: MakeClient, sleeps: Sleeps
) -> None:
    feed = _feed_with_one_event()
    feed.replies = [failure]
    async with make_client(feed.transport()) as client:
        page = await client.read_feed(0, limit=10)

    assert len(sleeps.delays) == 1
    assert page.next == 1


async def test_429_waits_at_least_retry_after(make_client: MakeClient, sleeps: Sleeps) -> None:
    feed = _feed_with_one_event()
    feed.replies = [httpx.Response(429, headers={"Retry-After": "3"})]
    async with make_client(feed.transport(), backoff_base_seconds=0.1) as client:
        await client.read_feed(0, limit=10)

    assert sleeps.delays == [3]


async def test_retry_after_is_capped_by_the_backoff_ceiling(make_client: MakeClient, sleeps: Sleeps) -> None:
    feed = _feed_with_one_event()
    feed.replies = [httpx.Response(503, headers={"Retry-After": "3600"})]
    async with make_client(feed.transport(), backoff_max_seconds=5) as client:
        await client.read_feed(0, limit=10)

    assert sleeps.delays == [5]


async def test_a_feed_down_past_every_attempt_is_postings_unavailable_naming_the_cause(
    make_client: MakeClient,
) -> None:
    feed = _feed_with_one_event()
    feed.replies = [httpx.ConnectError("refused")] * 3
    async with make_client(feed.transport(), max_attempts=3) as client:
        with pytest.raises(PostingsUnavailable) as caught:
            await client.read_feed(0, limit=10)

    assert caught.value.extra["cause"] == "ConnectError"
    assert "http" not in str(caught.value)


@pytest.mark.parametrize("status", [401, 403, 404, 422])
async def test_a_refusal_is_not_retried_and_is_postings_rejected(
    status: int, make_client: MakeClient, sleeps: Sleeps
) -> None:
    feed = _feed_with_one_event()
    feed.replies = [httpx.Response(status)]
    async with make_client(feed.transport()) as client:
        with pytest.raises(PostingsRejected) as caught:
            await client.read_feed(0, limit=10)

    assert caught.value.extra["upstream_status"] == status
    assert (len(feed.requests), sleeps.delays) == (1, [])


@pytest.mark.parametrize(
    "body",
    [
        b"<html>gateway</html>",
        b'{"events": "none", "next": 0}',
        b'{"events": [{"seq": "1"}], "next": 1}',
        b'{"events": [{"seq": true}], "next": 1}',
        b'{"events": [{"type": "posting.created"}], "next": 1}',
        b'{"events": []}',
    ],
    ids=["html", "events-not-a-list", "seq-a-string", "seq-a-bool", "no-seq", "no-next"],
)
async def test_an_answer_that_is_not_a_feed_page_is_feed_page_invalid(
    body: bytes, make_client: MakeClient
) -> None:
    feed = ScriptedFeed()
    feed.replies = [httpx.Response(200, content=body)]
    async with make_client(feed.transport()) as client:
        with pytest.raises(FeedPageInvalid):
            await client.read_feed(0, limit=10)


async def test_the_feed_head_is_read_when_the_feed_sends_it(make_client: MakeClient) -> None:
    feed = ScriptedFeed()
    feed.replies = [httpx.Response(200, json={"events": [], "next": 5, "head": 9})]
    async with make_client(feed.transport()) as client:
        page = await client.read_feed(5, limit=10)

    assert page.head == 9


def test_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    backoff = Backoff(base=0.5, cap=8)
    rng = random.Random(7)

    delays = [[backoff.delay(attempt, rng) for _ in range(50)] for attempt in range(1, 8)]

    for attempt, seen in enumerate(delays, start=1):
        ceiling = min(8, 0.5 * 2 ** (attempt - 1))
        assert all(ceiling / 2 <= d <= ceiling for d in seen)
        assert len(set(seen)) > 1


def test_a_minted_token_is_renewed_before_it_expires(auth_settings: AuthSettings) -> None:
    now = [1_000_000.0]
    source = MintedToken(auth_settings, "matching", ttl=600, now=lambda: now[0])
    first = source.token()
    now[0] += 400
    same = source.token()
    now[0] += 100
    renewed = source.token()

    assert first == same != renewed
    assert jwt.decode(renewed, options={"verify_signature": False})["exp"] > now[0] + 500


def test_jwks_mode_sends_the_configured_token() -> None:
    auth = AuthSettings(mode="jwks", jwks_url="https://idp.example/jwks")

    source = token_source(auth, ReplicaSettings(service_token=SecretStr("from-the-idp")))

    assert source.token() == "from-the-idp"


def test_jwks_mode_without_a_configured_token_refuses_to_start() -> None:
    auth = AuthSettings(mode="jwks", jwks_url="https://idp.example/jwks")

    with pytest.raises(ValueError, match="SERVICE_TOKEN"):
        token_source(auth, ReplicaSettings())
