"""Several matching processes on one database: the seeker change journal keeps every process's candidate
pool current (even one idle past the journal's retention), and a process that does not run the feed
consumer follows what another applied to the replica."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.uow import unit_of_work
from services.matching.config import MatchingSettings
from services.matching.main import create_app
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from services.matching.seekers import changes
from services.matching.serving.config import ServingSettings
from tests.conftest import LifespanApp, client_for
from tests.matching.ranking.conftest import NOW, keyword_predictor
from tests.matching.serving.conftest import Feed, Token, register


@pytest.fixture
async def second(
    app: FastAPI, matching_settings: MatchingSettings, clock: ManualClock
) -> AsyncIterator[FastAPI]:
    """Another matching process on the same database."""
    other = create_app(matching_settings, clock)
    other.state.replica_settings = ReplicaSettings(enabled=False)
    other.state.text_encoder = TextEncoder(keyword_predictor)
    other.state.serving_settings = ServingSettings(replica_poll_seconds=0.05)
    async with LifespanApp(other) as running:
        await running.state.matching_engine.wait_ready(10)
        yield running


async def _ids(client: httpx.AsyncClient, posting_id: str, headers: dict[str, str]) -> list[Any]:
    response = await client.get(f"/v1/postings/{posting_id}/candidates", headers=headers)
    assert response.status_code == 200, response.text
    return [c["seeker_id"] for c in response.json()["items"]]


async def test_a_change_made_through_one_process_counts_in_anothers_next_ranking(
    client: httpx.AsyncClient, second: FastAPI, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    job = await feed.post("仓库装卸工", km=0.0)  # only the first process hears it; both read the replica
    async with client_for(second) as other:
        before = await _ids(other, job["id"], staff)
        me = await register(client, token, "seeker-a", north_km=1.0)
        joined = await _ids(other, job["id"], staff)
        await client.delete("/v1/seekers/seeker-a/consents/matching", headers=me)
        left = await _ids(other, job["id"], staff)

    assert (before, joined, left) == ([], ["seeker-a"], [])


async def test_a_process_idle_past_the_retention_reloads_its_whole_pool(
    app: FastAPI, client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    job = await feed.post("仓库装卸工", km=0.0)
    first = await register(client, token, "seeker-a", north_km=1.0)
    assert await _ids(client, job["id"], staff) == ["seeker-a"]
    await client.delete("/v1/seekers/seeker-a/consents/matching", headers=first)
    await register(client, token, "seeker-c", north_km=2.0)
    async with unit_of_work(app.state.sessionmaker) as session:  # the withdrawal's entry is pruned
        assert await changes.prune(session, NOW + timedelta(days=4)) > 0

    assert await _ids(client, job["id"], staff) == ["seeker-c"]


async def test_a_process_without_the_consumer_follows_what_another_applied_to_the_replica(
    client: httpx.AsyncClient, second: FastAPI, feed: Feed, token: Token
) -> None:
    me = await register(client, token, "s-1")
    async with client_for(second) as other:
        job = await feed.post("仓库装卸工", km=1.0)  # applied and announced in the first process only
        for _ in range(100):
            items = (await other.get("/v1/seekers/s-1/matches", headers=me)).json()["items"]
            if items:
                break
            await asyncio.sleep(0.02)
        await feed.close(job)
        for _ in range(100):
            after = (await other.get("/v1/seekers/s-1/matches", headers=me)).json()["items"]
            if not after:
                break
            await asyncio.sleep(0.02)

    assert [m["posting_id"] for m in items] == [job["id"]]
    assert after == []
