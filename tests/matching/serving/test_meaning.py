"""GET /v1/seekers/{id}/matches with the model of meaning on: a posting whose title means what the seeker
wants, in other characters, comes first and says so; contributions still add up to the score."""

import math
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.main import create_app
from services.matching.occupations.meaning import Embeddings
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from tests.conftest import LifespanApp
from tests.matching.ranking.conftest import keyword_predictor
from tests.matching.serving.conftest import Feed, Token, register


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("meaning") / "meaning.sqlite"


@pytest.fixture
async def matching_app(
    matching_settings: MatchingSettings, clock: ManualClock, store: Path
) -> AsyncIterator[FastAPI]:
    app = create_app(matching_settings, clock)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    app.state.text_encoder = TextEncoder(keyword_predictor, meaning=Embeddings(store))  # the real model
    async with LifespanApp(app) as running:
        yield running


async def test_a_title_meaning_the_wish_comes_first_and_says_so(
    client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    cleaning = await feed.post("环境清洁工", km=3.0)  # no character in common with the wish
    repairs = await feed.post("电脑维修员", km=1.0)
    shop = await feed.post("服装导购", km=1.5)
    me = await register(client, token, "s-1", desired_text="打扫卫生")

    body = (await client.get("/v1/seekers/s-1/matches", headers=me)).json()

    assert [m["posting_id"] for m in body["items"]][0] == cleaning["id"]
    assert {m["posting_id"] for m in body["items"]} == {cleaning["id"], repairs["id"], shop["id"]}
    top = body["items"][0]
    assert top["contributions"]["meaning"] > 0
    assert "职位名称与您想做的工作意思相近" in [r["zh"] for r in top["reasons"]]
    for m in body["items"]:
        assert math.isclose(sum(m["contributions"].values()), m["score"], abs_tol=1e-9)
