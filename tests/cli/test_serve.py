"""`lingong serve`: both services on ports of the caller's choosing, the matching service following the
postings service it was started with, and a line (and a status) when the demo is ready."""

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest

from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from services.matching.serving import loading
from services.postings.config import PostingsSettings
from services.serve import DemoSize, Serving
from tests.matching.ranking.conftest import keyword_predictor

Token = Callable[..., dict[str, str]]
DEMO = DemoSize(postings=40, seekers=10)


@pytest.fixture(autouse=True)
def no_real_coder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "default_encoder", lambda: TextEncoder(keyword_predictor))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    serving: Serving
    lines: list[str]
    postings: httpx.AsyncClient
    matching: httpx.AsyncClient


async def _until(predicate: Callable[[], bool], seconds: float = 120) -> None:
    for _ in range(int(seconds * 10)):
        if predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("never happened")


@pytest.fixture
async def settings(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings
) -> tuple[PostingsSettings, MatchingSettings]:
    return (
        PostingsSettings(database_url=await make_database("postings"), auth=auth_settings),
        MatchingSettings(database_url=await make_database("matching"), auth=auth_settings),
    )


@pytest.fixture
async def served(
    settings: tuple[PostingsSettings, MatchingSettings], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Served]:
    """`serve --demo --postings-port P --matching-port M` (P and M free ports, not 8001/8002)."""
    monkeypatch.delenv("MATCHING_POSTINGS_URL", raising=False)
    pp, mp = free_port(), free_port()
    lines: list[str] = []
    postings, matching = settings
    serving = Serving(
        "127.0.0.1", pp, mp, demo=True, postings=postings, matching=matching, demo_size=DEMO, say=lines.append
    )
    task = asyncio.create_task(serving.run())
    try:
        async with (
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{pp}") as p,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{mp}") as m,
        ):
            yield Served(serving, lines, p, m)
    finally:
        serving.stop()
        await asyncio.wait_for(task, 30)


async def test_matching_follows_the_postings_port_serve_started(served: Served, token: Token) -> None:
    staff = token("staff", "st", station="st-001")
    await _until(lambda: any(line.startswith("demo postings loaded") for line in served.lines))
    service = token("service", "matching")
    feed = await served.postings.get("/v1/feed", params={"after": 0, "limit": 1000}, headers=service)
    head = feed.json()["next"]
    for _ in range(600):
        replica = (await served.matching.get("/v1/replica/status", headers=staff)).json()
        if replica["cursor"] >= head:
            break
        await asyncio.sleep(0.1)

    assert replica["cursor"] == head > 0
    assert replica["source_health"]["reachable"] is True


async def test_serve_demo_says_when_postings_seekers_and_engine_are_ready(
    served: Served, token: Token
) -> None:
    await _until(lambda: any(line.startswith("demo ready") for line in served.lines))

    status = await served.matching.get("/v1/matching/status", headers=token("staff", "st", station="st-001"))

    assert status.json()["ready"] is True
    assert status.json()["demo"] == {"postings": "ready", "seekers": "ready"}
    assert status.json()["postings"] > 0
    assert status.json()["seekers"] > 0


async def test_a_feed_long_poll_answers_at_once_when_serve_stops(
    settings: tuple[PostingsSettings, MatchingSettings], token: Token
) -> None:
    """uvicorn waits for every open request before it stops: the feed's long poll must not hold the stop
    (nor an SIGTERM'd `serve`) for the whole of its wait."""
    postings, matching = settings
    pp = free_port()
    serving = Serving("127.0.0.1", pp, free_port(), demo=False, postings=postings, matching=matching)
    serving.matching_app.state.replica_settings = ReplicaSettings(enabled=False)  # only this test's poll
    task = asyncio.create_task(serving.run())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{pp}", timeout=60) as client:
            await _until(lambda: serving.servers[0].started)
            poll = asyncio.create_task(
                client.get("/v1/feed", params={"after": 0, "wait": 30}, headers=token("service", "matching"))
            )
            await _until(lambda: len(serving.servers[0].server_state.tasks) == 1)  # the poll is held open
            stopping = time.monotonic()
            serving.stop()
            await asyncio.wait_for(task, 60)
            stopped = time.monotonic() - stopping
            answer = await poll
    finally:
        serving.stop()
        await asyncio.wait_for(task, 60)

    assert stopped < 5
    assert answer.status_code == 200
    assert answer.json() == {"events": [], "next": 0}


def test_matching_postings_url_set_in_the_environment_wins_over_the_port(
    settings: tuple[PostingsSettings, MatchingSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHING_POSTINGS_URL", "http://10.0.0.5:9001")
    postings, matching = settings
    matching = MatchingSettings(database_url=matching.database_url)

    serving = Serving("127.0.0.1", free_port(), free_port(), demo=False, postings=postings, matching=matching)

    assert serving.matching_settings.postings_url == "http://10.0.0.5:9001"


def test_postings_asks_the_matching_port_serve_started(
    settings: tuple[PostingsSettings, MatchingSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POSTINGS_MATCHING__URL", raising=False)
    postings, matching = settings
    mp = free_port()

    serving = Serving("127.0.0.1", free_port(), mp, demo=False, postings=postings, matching=matching)

    assert serving.postings_settings.matching.url == f"http://127.0.0.1:{mp}"


def test_postings_matching_url_set_in_the_environment_wins_over_the_port(
    settings: tuple[PostingsSettings, MatchingSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTINGS_MATCHING__URL", "http://10.0.0.6:9002")
    postings, matching = settings
    postings = PostingsSettings(database_url=postings.database_url)

    serving = Serving("127.0.0.1", free_port(), free_port(), demo=False, postings=postings, matching=matching)

    assert serving.postings_settings.matching.url == "http://10.0.0.6:9002"
