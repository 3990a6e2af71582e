"""The shared layout (docs/load.md, part 2): one process publishes index generations, the others map them.

Two matching apps on one database and one generation directory, as `lingong serve --workers 2` runs
them: the publisher hears the feed (driven by hand, as the consumer would), the reader follows the
replica tables. Each test asks them over HTTP.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.uow import unit_of_work
from services.matching.config import MatchingSettings
from services.matching.main import create_app
from services.matching.ranking import generations
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.service import apply_page
from services.matching.serving.config import ServingSettings
from services.matching.serving.shared import READ_AT_LEAST_SECONDS, SharedIndex, read_head
from tests.conftest import LifespanApp, client_for
from tests.matching.ranking.conftest import NOW, iso, keyword_predictor, posting
from tests.matching.serving.conftest import Feed, Token, register

Starter = Callable[..., Awaitable[tuple[FastAPI, httpx.AsyncClient]]]


def _settings(**fields: Any) -> ServingSettings:
    base = {"replica_poll_seconds": 0.05, "generation_seconds": 3600.0, "generation_changes": 1_000_000}
    return ServingSettings(**(base | fields))


@pytest.fixture
async def start(
    matching_settings: MatchingSettings, clock: ManualClock, tmp_path: Path
) -> AsyncIterator[Starter]:
    """Starts a matching app on the test's database sharing `tmp_path/index`; stops them all after."""
    running: list[tuple[LifespanApp, httpx.AsyncClient]] = []

    async def started(publisher: bool, **serving: Any) -> tuple[FastAPI, httpx.AsyncClient]:
        settings = _settings(**serving)
        app = create_app(matching_settings, clock)
        app.state.replica_settings = ReplicaSettings(enabled=False)  # the tests drive the feed
        app.state.text_encoder = TextEncoder(keyword_predictor)
        app.state.serving_settings = settings
        app.state.shared_index = SharedIndex(tmp_path / "index", publisher, settings)
        lifespan = LifespanApp(app)
        await lifespan.__aenter__()
        client = client_for(app)
        running.append((lifespan, client))
        return app, client

    yield started
    for lifespan, client in reversed(running):
        await client.aclose()
        await lifespan.__aexit__()


async def _until(check: Callable[[], Awaitable[bool]], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def _status(client: httpx.AsyncClient, staff: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/v1/matching/status", headers=staff)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _ready_on(client: httpx.AsyncClient, staff: dict[str, str], generation: str | None = None) -> None:
    async def ready() -> bool:
        status = await _status(client, staff)
        shared = status["shared_index"] or {}
        return bool(status["ready"]) and (generation is None or shared.get("generation") == generation)

    await _until(ready)


async def test_two_workers_reading_one_generation_give_identical_matches(
    start: Starter, staff: dict[str, str], token: Token, tmp_path: Path
) -> None:
    publisher_app, publisher = await start(True, generation_changes=12)
    await _ready_on(publisher, staff)
    feed = Feed(publisher_app)
    await feed.employer()
    for i in range(12):
        await feed.post(("仓库装卸工", "保洁员", "搬运工")[i % 3], km=0.5 + i * 0.7)
    await _until(async_true(lambda: generations.current(tmp_path / "index") == "gen-00000002"))
    name = "gen-00000002"
    _, reader = await start(False)
    await _ready_on(publisher, staff, name)
    await _ready_on(reader, staff, name)
    seeker = await register(publisher, token, "s-shared-1")

    url = "/v1/seekers/s-shared-1/matches?top_k=50"
    seen = [(await c.get(url, headers=seeker)) for c in (publisher, reader)]
    roles = [(await _status(c, staff))["shared_index"]["role"] for c in (publisher, reader)]

    assert [r.status_code for r in seen] == [200, 200]
    assert len(seen[0].json()["items"]) == 12
    assert seen[0].json() == seen[1].json()
    assert roles == ["publisher", "reader"]


def _generations(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "index").iterdir() if p.name.startswith("gen-"))


def async_true(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def run() -> bool:
        return check()

    return run


async def test_a_worker_started_after_a_generation_exists_maps_it(
    start: Starter, staff: dict[str, str], tmp_path: Path
) -> None:
    publisher_app, publisher = await start(True, generation_changes=3)
    await _ready_on(publisher, staff)
    feed = Feed(publisher_app)
    await feed.employer()
    for i in range(3):
        await feed.post(km=1.0 + i)
    await _until(async_true(lambda: generations.current(tmp_path / "index") == "gen-00000002"))

    _, reader = await start(False)
    await _ready_on(reader, staff)
    status = await _status(reader, staff)

    assert status["shared_index"] == {
        "role": "reader",
        "generation": "gen-00000002",
        "generation_seq": (await _status(publisher, staff))["shared_index"]["generation_seq"],
    }
    assert status["postings"] == 3
    await _until(async_true(lambda: _generations(tmp_path) == ["gen-00000002"]))  # the first is deleted


async def test_a_reader_lists_a_new_posting_before_the_next_generation(
    start: Starter, staff: dict[str, str], token: Token, tmp_path: Path
) -> None:
    publisher_app, publisher = await start(True)
    _, reader = await start(False)
    await _ready_on(publisher, staff)
    await _ready_on(reader, staff)
    seeker = await register(publisher, token, "s-shared-2")
    feed = Feed(publisher_app)
    await feed.employer()

    fresh = await feed.post(km=0.8)

    async def listed() -> bool:
        response = await reader.get("/v1/seekers/s-shared-2/matches", headers=seeker)
        return [m["posting_id"] for m in response.json()["items"]] == [fresh["id"]]

    await _until(listed, 5.0)
    assert generations.current(tmp_path / "index") == "gen-00000001"


async def test_a_closed_posting_leaves_the_readers_mapped_index_until_and_after_the_next_generation(
    start: Starter, staff: dict[str, str], token: Token, tmp_path: Path
) -> None:
    publisher_app, publisher = await start(True, generation_changes=4)
    await _ready_on(publisher, staff)
    feed = Feed(publisher_app)
    await feed.employer()
    kept, closed = await feed.post(km=0.6), await feed.post(km=0.9)
    _, reader = await start(False)
    await _ready_on(reader, staff)
    seeker = await register(publisher, token, "s-shared-3")

    await feed.close(closed)

    async def listed(expected: list[str]) -> bool:
        response = await reader.get("/v1/seekers/s-shared-3/matches", headers=seeker)
        return [m["posting_id"] for m in response.json()["items"]] == expected

    await _until(lambda: listed([kept["id"]]), 5.0)
    await feed.post(km=30.0)  # far away: out of the seeker's reach; the fourth change publishes
    await _until(async_true(lambda: generations.current(tmp_path / "index") == "gen-00000002"))
    await _ready_on(reader, staff, "gen-00000002")
    assert await listed([kept["id"]])


async def test_old_generations_are_deleted_once_no_worker_maps_them(
    start: Starter, staff: dict[str, str], tmp_path: Path
) -> None:
    publisher_app, publisher = await start(True, generation_changes=1)
    _, reader = await start(False)
    await _ready_on(publisher, staff)
    await _ready_on(reader, staff)
    feed = Feed(publisher_app)
    await feed.employer()
    for i in range(6):
        await feed.post(km=1.0 + i)
        name = f"gen-{i + 2:08d}"
        await _until(async_true(lambda name=name: generations.current(tmp_path / "index") == name))
        await _ready_on(reader, staff, name)

    await feed.post(km=9.0)
    await _until(async_true(lambda: generations.current(tmp_path / "index") == "gen-00000008"))
    # the newest, and at most the one the reader still maps until its next round (the publisher
    # deletes the others right after it switched to the newest itself)
    await _until(async_true(lambda: set(_generations(tmp_path)) <= {"gen-00000007", "gen-00000008"}))

    assert _generations(tmp_path)[-1] == "gen-00000008"
    pointer = json.loads((tmp_path / "index" / "current").read_text())
    assert pointer["generation"] == "gen-00000008"


async def test_a_reader_reads_the_replica_tables_only_when_the_publisher_announces_a_change(
    start: Starter, staff: dict[str, str]
) -> None:
    publisher_app, publisher = await start(True)
    reader_app, reader = await start(False)
    await _ready_on(publisher, staff)
    await _ready_on(reader, staff)
    feed = Feed(publisher_app)
    await feed.employer()
    await _until(async_true(lambda: read_head(reader_app.state.shared_index.directory) is not None))
    await asyncio.sleep(0.3)  # the reader hears the announcement
    shared: SharedIndex = reader_app.state.shared_index
    before = shared.replica_reads

    await asyncio.sleep(0.6)  # a dozen rounds of the reader, with nothing announced
    quiet = shared.replica_reads - before
    await feed.post(km=0.8)
    await _until(async_true(lambda: shared.replica_reads > before + quiet), 5.0)

    assert quiet <= 1  # at most the read it makes every READ_AT_LEAST_SECONDS whatever it is told


async def test_a_reader_lists_a_change_the_publisher_did_not_announce_within_seconds(
    start: Starter, staff: dict[str, str], token: Token
) -> None:
    publisher_app, publisher = await start(True)
    _, reader = await start(False)
    await _ready_on(publisher, staff)
    await _ready_on(reader, staff)
    seeker = await register(publisher, token, "s-shared-4")
    feed = Feed(publisher_app)
    await feed.employer()
    snapshot = posting("仓库装卸工", employer_id=feed.employer_id, km=0.8)
    feed.seq += 1
    event = {"seq": feed.seq, "type": "posting.created", "schema_version": 1, "aggregate_id": snapshot["id"],
             "created_at": iso(NOW), "data": snapshot}  # fmt: skip

    async with unit_of_work(publisher_app.state.sessionmaker) as session:  # applied, nobody told
        await apply_page(session, "postings", [event], publisher_app.state.clock.now())

    async def listed() -> bool:
        response = await reader.get("/v1/seekers/s-shared-4/matches", headers=seeker)
        return [m["posting_id"] for m in response.json()["items"]] == [snapshot["id"]]

    await _until(listed, READ_AT_LEAST_SECONDS + 3.0)
