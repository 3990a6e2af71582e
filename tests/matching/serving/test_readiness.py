"""While the engine loads: 503 `matching_not_ready` with Retry-After; while the occupation coder is still
loading, the non-personalised list; changes heard meanwhile are in the index once it is ready."""

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.demo import DemoProgress
from services.matching.main import create_app
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from services.matching.serving import loading
from services.matching.serving.config import ServingSettings
from services.matching.serving.engine import EngineState, MatchingEngine
from tests.conftest import LifespanApp, client_for
from tests.matching.ranking.conftest import keyword_predictor
from tests.matching.serving.conftest import Feed, Token, register


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The occupation coder takes until this is set (at most 30 s)."""
    done = threading.Event()

    def slow_coder() -> TextEncoder:
        done.wait(30)
        return TextEncoder(keyword_predictor)

    monkeypatch.setattr(loading, "default_encoder", slow_coder)
    yield done
    done.set()


async def _running(
    settings: MatchingSettings, clock: ManualClock, warming_after: float
) -> AsyncIterator[FastAPI]:
    app = create_app(settings, clock)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    app.state.serving_settings = ServingSettings(warming_after_seconds=warming_after, retry_after_seconds=3)
    async with LifespanApp(app) as running:
        yield running


@pytest.fixture
async def loading_app(
    matching_settings: MatchingSettings, clock: ManualClock, release: threading.Event
) -> AsyncIterator[FastAPI]:
    async for app in _running(matching_settings, clock, warming_after=600):
        yield app


@pytest.fixture
async def warming_app(
    matching_settings: MatchingSettings, clock: ManualClock, release: threading.Event
) -> AsyncIterator[FastAPI]:
    async for app in _running(matching_settings, clock, warming_after=0):
        engine: MatchingEngine = app.state.matching_engine
        for _ in range(500):
            if engine.state == EngineState.WARMING:
                break
            await asyncio.sleep(0.01)
        assert engine.state == EngineState.WARMING
        yield app


async def test_routes_answer_503_with_retry_after_until_the_engine_is_loaded(
    loading_app: FastAPI, release: threading.Event, token: Token
) -> None:
    async with client_for(loading_app) as client:
        me = await register(client, token, "s-1")
        waiting = await client.get("/v1/seekers/s-1/matches", headers=me)
        status = await client.get("/v1/matching/status", headers=token("admin", "a-1"))

        release.set()
        await loading_app.state.matching_engine.wait_ready(10)
        ready = await client.get("/v1/seekers/s-1/matches", headers=me)

    assert (waiting.status_code, waiting.json()["code"]) == (503, "matching_not_ready")
    assert waiting.headers["Retry-After"] == "3"
    assert waiting.headers["content-type"] == "application/problem+json"
    assert status.json()["state"] == "loading"
    assert ready.status_code == 200


async def test_while_warming_seekers_get_the_nearby_list_and_afterwards_their_own(
    warming_app: FastAPI, release: threading.Event, token: Token
) -> None:
    feed = Feed(warming_app)
    await feed.employer()
    job = await feed.post("仓库装卸工", km=1.0)  # heard while warming: indexed twice over
    async with client_for(warming_app) as client:
        me = await register(client, token, "s-1")
        minor = await register(client, token, "s-17", birth_year=2009, birth_month=6)
        nearby = (await client.get("/v1/seekers/s-1/matches", headers=me)).json()
        for_minor = await client.get("/v1/seekers/s-17/matches", headers=minor)
        explain = await client.get(f"/v1/matches/explain?seeker_id=s-1&posting_id={job['id']}", headers=me)

        release.set()
        await warming_app.state.matching_engine.wait_ready(10)
        personal = (await client.get("/v1/seekers/s-1/matches", headers=me)).json()

    assert nearby["personalised"] is False
    assert [m["posting_id"] for m in nearby["items"]] == [job["id"]]
    assert set(nearby["items"][0]["contributions"]) == {"distance", "reliability", "freshness", "congestion"}
    assert (for_minor.status_code, explain.status_code) == (503, 503)
    assert personal["personalised"] is True
    assert [m["posting_id"] for m in personal["items"]] == [job["id"]]


async def test_status_is_not_ready_while_the_demo_is_still_loading(
    client: httpx.AsyncClient, app: FastAPI, token: Token
) -> None:
    app.state.demo_progress = DemoProgress(postings="loading", seekers="ready")

    status = await client.get("/v1/matching/status", headers=token("admin", "a-1"))

    assert (status.json()["state"], status.json()["ready"]) == ("ready", False)
    assert status.json()["demo"] == {"postings": "loading", "seekers": "ready"}


async def test_status_without_a_demo_is_ready_once_the_engine_is(
    client: httpx.AsyncClient, token: Token
) -> None:
    status = await client.get("/v1/matching/status", headers=token("admin", "a-1"))

    assert (status.json()["ready"], status.json()["demo"]) == (True, None)
