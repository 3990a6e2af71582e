"""End to end, both apps in this event loop: a posting published through the postings API reaches the
matching engine through the feed, the replica and its listeners; closed, it leaves again. Its employer's
account (the feed's `owner_sub`) is the one that may see its candidates."""

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.matching.ranking.conftest import keyword_predictor
from tests.matching.serving.conftest import Token, register
from tests.postings.factories import create_employer, create_posting, job_body, publish


@pytest.fixture
async def live_matching(
    matching_settings: MatchingSettings, clock: ManualClock, postings_app: FastAPI
) -> AsyncIterator[FastAPI]:
    app = create_matching(matching_settings, clock)
    app.state.replica_settings = ReplicaSettings(page_size=50, poll_wait_seconds=5, backoff_base_seconds=0.05)
    app.state.postings_transport = httpx.ASGITransport(app=postings_app)
    app.state.text_encoder = TextEncoder(keyword_predictor)
    await ask_matching(postings_app, app)
    async with LifespanApp(app) as running:
        await running.state.matching_engine.wait_ready(10)
        yield running


async def _until(
    check: Callable[[list[dict[str, Any]]], bool], client: httpx.AsyncClient, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """The seeker's matches, polled until `check` holds (at most ~5 s)."""
    for _ in range(250):
        items: list[dict[str, Any]] = (await client.get("/v1/seekers/s-1/matches", headers=headers)).json()[
            "items"
        ]
        if check(items):
            return items
        await asyncio.sleep(0.02)
    raise AssertionError(f"the matches never changed as expected: {items}")


async def test_a_published_posting_becomes_matchable_and_a_closed_one_leaves(
    postings_app: FastAPI, live_matching: FastAPI, token: Token
) -> None:
    owner = token("employer", "employer-e1")
    async with client_for(postings_app) as postings, client_for(live_matching) as matching:
        me = await register(matching, token, "s-1", desired_text="电焊工", certificates=["焊工证"])
        employer = await create_employer(postings, owner)
        draft, etag = await create_posting(postings, owner, job_body(employer["id"]))
        published = await publish(postings, owner, draft["id"], etag)
        assert published.status_code == 200, published.text

        shown = await _until(lambda items: any(m["posting_id"] == draft["id"] for m in items), matching, me)
        mine = await matching.get(f"/v1/postings/{draft['id']}/candidates", headers=owner)
        others = await matching.get(
            f"/v1/postings/{draft['id']}/candidates", headers=token("employer", "employer-e2")
        )

        closed = await postings.post(
            f"/v1/postings/{draft['id']}/close", headers=owner | {"If-Match": published.headers["ETag"]}
        )
        assert closed.status_code == 200, closed.text
        await _until(lambda items: all(m["posting_id"] != draft["id"] for m in items), matching, me)

    assert shown[0]["title"] == "电焊工"
    assert shown[0]["employer_name"] == employer["name"]
    assert mine.status_code == 200
    assert [c["rank"] for c in mine.json()["items"]] == [1]
    assert others.status_code == 404
