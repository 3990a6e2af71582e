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


async def _matched(client: httpx.AsyncClient, seeker_id: str, headers: dict[str, str]) -> list[Any]:
    response = await client.get(f"/v1/seekers/{seeker_id}/matches", headers=headers)
    assert response.status_code == 200, response.text
    return [m["posting_id"] for m in response.json()["items"]]


async def test_a_profile_change_made_through_one_process_shows_in_anothers_very_next_matches(
    client: httpx.AsyncClient, second: FastAPI, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    near, far = await feed.post("仓库装卸工", km=1.0), await feed.post("仓库装卸工", km=25.0)
    me = await register(client, token, "seeker-a", travel_mode="walk", max_commute_minutes=30)
    async with client_for(second) as other:
        await _until_listed(other, "seeker-a", me, [near["id"]])
        assert await _ids(other, near["id"], staff) == ["seeker-a"]  # the other's pool holds the seeker
        changed = await client.patch(
            "/v1/seekers/seeker-a",
            json={"travel_mode": "car", "max_commute_minutes": 90},
            headers=me | {"If-Match": "*"},
        )
        assert changed.status_code == 200, changed.text
        after = await _matched(other, "seeker-a", me)

    assert set(after) == {near["id"], far["id"]}


async def test_a_withdrawn_matching_consent_changes_the_very_next_matches_as_before(
    client: httpx.AsyncClient, second: FastAPI, feed: Feed, token: Token
) -> None:
    await feed.post("仓库装卸工", km=1.0)
    me = await register(client, token, "seeker-a")
    async with client_for(second) as other:
        await _matched(other, "seeker-a", me)
        withdrawn = await client.delete("/v1/seekers/seeker-a/consents/matching", headers=me)
        assert withdrawn.status_code in (200, 204), withdrawn.text
        after = await other.get("/v1/seekers/seeker-a/matches", headers=me)
        direct = await client.get("/v1/seekers/seeker-a/matches", headers=me)

    assert after.status_code == direct.status_code
    assert after.json().get("items") == direct.json().get("items")


async def _until_listed(
    client: httpx.AsyncClient, seeker_id: str, headers: dict[str, str], ids: list[str]
) -> None:
    for _ in range(200):  # the second process follows the replica by polling it
        if await _matched(client, seeker_id, headers) == ids:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never listed")
