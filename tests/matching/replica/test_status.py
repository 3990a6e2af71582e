"""GET /v1/replica/status: cursor, lag, dead letters and what the consumer is doing."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.main import create_app
from services.matching.ranking.text import TextEncoder
from services.matching.replica.client import PostingsClient
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.consumer import ReplicaConsumer
from tests.conftest import LifespanApp, client_for
from tests.matching.ranking.conftest import keyword_predictor
from tests.matching.replica.conftest import Token
from tests.matching.replica.feeds import T0, ScriptedFeed, event, posting_data
from tests.matching.serving.conftest import profile
from tests.postings.factories import create_employer, create_posting, job_body

MakeClient = Callable[..., PostingsClient]
MakeConsumer = Callable[..., ReplicaConsumer]
EMPLOYER = uuid.uuid4()


def _postings(n: int) -> list[dict[str, Any]]:
    return [event(seq, "posting.created", posting_data(uuid.uuid4(), EMPLOYER)) for seq in range(1, n + 1)]


@pytest.fixture
async def quiet_matching(
    matching_settings: MatchingSettings, clock: ManualClock
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """A matching app whose own consumer is off, so a test can hand it one it drives by hand."""
    app = create_app(matching_settings, clock)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    async with LifespanApp(app) as running, client_for(running) as client:
        yield running, client


async def _status(client: httpx.AsyncClient, token: Token) -> dict[str, Any]:
    response = await client.get("/v1/replica/status", headers=token("staff", "s1", station="st-1"))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _until(
    predicate: Callable[[dict[str, Any]], bool], client: httpx.AsyncClient, token: Token
) -> dict[str, Any]:
    for _ in range(200):
        status = await _status(client, token)
        if predicate(status):
            return status
        await asyncio.sleep(0.02)
    raise AssertionError(f"status never reached the expected state: {status}")


async def test_status_reports_cursor_and_lag_in_events_and_seconds_while_behind(
    quiet_matching: tuple[FastAPI, httpx.AsyncClient],
    make_client: MakeClient,
    make_consumer: MakeConsumer,
    clock: ManualClock,
    token: Token,
) -> None:
    app, client = quiet_matching
    feed = ScriptedFeed(_postings(5), send_head=True)
    async with make_client(feed.transport()) as feed_client:
        app.state.replica_consumer = consumer = make_consumer(feed_client, page_size=2)
        await consumer.step(wait=0)
        clock.set(T0 + timedelta(seconds=100))
        status = await _status(client, token)

    assert (status["cursor"], status["feed_head"], status["lag_events"]) == (2, 5, 3)
    assert status["lag_events_exact"] is True
    assert status["lag_seconds"] == 98.0
    assert status["last_event_at"] == "2026-11-23T02:00:02Z"


async def test_lag_is_a_lower_bound_when_the_last_page_was_full_and_the_feed_sends_no_head(
    quiet_matching: tuple[FastAPI, httpx.AsyncClient],
    make_client: MakeClient,
    make_consumer: MakeConsumer,
    token: Token,
) -> None:
    app, client = quiet_matching
    async with make_client(ScriptedFeed(_postings(5)).transport()) as feed_client:
        app.state.replica_consumer = consumer = make_consumer(feed_client, page_size=2)
        await consumer.step(wait=0)
        status = await _status(client, token)

    assert (status["cursor"], status["lag_events"], status["lag_events_exact"]) == (2, 0, False)


async def test_status_counts_dead_letters(
    quiet_matching: tuple[FastAPI, httpx.AsyncClient],
    make_client: MakeClient,
    make_consumer: MakeConsumer,
    token: Token,
) -> None:
    app, client = quiet_matching
    feed = ScriptedFeed([event(1, "posting.teleported", {}), *_postings(3)[1:]])
    async with make_client(feed.transport()) as feed_client:
        app.state.replica_consumer = consumer = make_consumer(feed_client)
        await consumer.step(wait=0)
        status = await _status(client, token)

    assert (status["dead_letters"], status["cursor"], status["lag_events"]) == (1, 3, 0)


async def test_status_with_the_consumer_switched_off_says_so(
    quiet_matching: tuple[FastAPI, httpx.AsyncClient], token: Token
) -> None:
    _, client = quiet_matching

    status = await _status(client, token)

    assert status["consumer"] == {
        "state": "disabled",
        "last_error": None,
        "last_error_cause": None,
        "consecutive_failures": 0,
        "last_poll_at": None,
    }
    assert (status["cursor"], status["feed_head"], status["lag_seconds"]) == (0, None, None)


@pytest.mark.parametrize("role", ["staff", "admin", "service"])
async def test_staff_admin_and_services_may_read_the_status(
    role: str, quiet_matching: tuple[FastAPI, httpx.AsyncClient], token: Token
) -> None:
    _, client = quiet_matching

    response = await client.get("/v1/replica/status", headers=token(role, "x", station="st-1"))

    assert response.status_code == 200


@pytest.mark.parametrize("role", ["seeker", "employer"])
async def test_seekers_and_employers_may_not_read_the_status(
    role: str, quiet_matching: tuple[FastAPI, httpx.AsyncClient], token: Token
) -> None:
    _, client = quiet_matching

    response = await client.get("/v1/replica/status", headers=token(role, "x"))

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_status_without_a_token_is_401(quiet_matching: tuple[FastAPI, httpx.AsyncClient]) -> None:
    _, client = quiet_matching

    response = await client.get("/v1/replica/status")

    assert response.status_code == 401


async def test_the_running_consumer_catches_up_and_reports_no_lag(
    postings: httpx.AsyncClient, live_matching: httpx.AsyncClient, token: Token
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    await create_posting(postings, headers, job_body(employer["id"]))

    status = await _until(lambda s: s["cursor"] == 2, live_matching, token)

    assert (status["lag_events"], status["lag_events_exact"], status["lag_seconds"]) == (0, True, 0.0)
    assert status["consumer"]["state"] == "running"


async def test_a_consumer_that_cannot_reach_the_feed_shows_backing_off_with_the_error_class_only(
    matching_settings: MatchingSettings, clock: ManualClock, replica_settings: ReplicaSettings, token: Token
) -> None:
    app = create_app(matching_settings, clock)
    app.state.replica_settings = replica_settings
    app.state.postings_transport = httpx.MockTransport(lambda _: httpx.Response(503))
    async with LifespanApp(app) as running, client_for(running) as client:
        status = await _until(lambda s: s["consumer"]["state"] == "backing_off", client, token)
        body = (await client.get("/v1/replica/status", headers=token("admin", "a1"))).text

    assert status["consumer"]["last_error"] == "PostingsUnavailable"
    assert status["consumer"]["last_error_cause"] == "HTTP 503"
    assert "127.0.0.1" not in body
    assert "Bearer" not in body


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.fixture
async def unreachable_source(
    matching_settings: MatchingSettings, clock: ManualClock, replica_settings: ReplicaSettings
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """A matching app whose postings service refuses every connection (another port, not started)."""
    app = create_app(matching_settings, clock)
    app.state.replica_settings = replica_settings
    app.state.postings_transport = httpx.MockTransport(_refused)
    app.state.text_encoder = TextEncoder(keyword_predictor)
    async with LifespanApp(app) as running, client_for(running) as client:
        yield running, client


async def test_a_replica_that_cannot_reach_its_source_says_so_with_the_error_and_since_when(
    unreachable_source: tuple[FastAPI, httpx.AsyncClient], clock: ManualClock, token: Token
) -> None:
    _, client = unreachable_source

    status = await _until(lambda s: s["consumer"]["state"] == "backing_off", client, token)

    assert status["source_health"] == {
        "reachable": False,
        "last_error_code": "ConnectError",
        "since": clock.now().isoformat().replace("+00:00", "Z"),
    }


async def test_the_matches_of_a_replica_that_cannot_reach_its_source_say_so(
    unreachable_source: tuple[FastAPI, httpx.AsyncClient], token: Token
) -> None:
    app, client = unreachable_source
    await app.state.matching_engine.wait_ready(10)
    await _until(lambda s: s["consumer"]["state"] == "backing_off", client, token)
    me = token("seeker", "s-1")
    assert (await client.post("/v1/seekers", json=profile(), headers=me)).status_code == 201

    matches = await client.get("/v1/seekers/s-1/matches", headers=me)

    assert matches.status_code == 200, matches.text
    assert matches.json()["items"] == []
    assert (
        matches.json()["source_health"]["reachable"],
        matches.json()["source_health"]["last_error_code"],
    ) == (
        False,
        "ConnectError",
    )


async def test_a_replica_following_its_source_says_it_is_reachable(
    postings: httpx.AsyncClient, live_matching: httpx.AsyncClient, token: Token
) -> None:
    status = await _until(lambda s: s["consumer"]["state"] == "running", live_matching, token)

    assert status["source_health"] == {"reachable": True, "last_error_code": None, "since": None}
