"""The learned ranker is off unless switched on, serves only a model that beat the hand-set weights, and
leaves FA*IR on employers' lists in place; `lingong ltr train` refuses to write a model it cannot justify."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from services.matching.config import MatchingSettings, get_settings
from services.matching.impressions.config import ImpressionSettings
from services.matching.ranking.fair import minimum_table
from services.matching.ranking.ltr.model import meta_path
from services.matching.serving.config import FairnessSettings, LtrSettings
from tests.conftest import client_for
from tests.matching.impressions.conftest import AppMaker, written
from tests.matching.ranking.ltr_model import trained_model
from tests.matching.serving.conftest import STATION, Feed, Token, make_member, register

SLOW_WRITER = ImpressionSettings(flush_seconds=3600)


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "models" / "ltr.txt"
    trained_model().save(path)
    return path


async def _postings(feed: Feed) -> None:
    await feed.employer()
    for n, km in enumerate((0.3, 0.8, 1.5, 2.5, 4.0, 6.0)):
        await feed.post("仓库装卸工", km=km, pay={"min": str(20 + 6 * n), "max": None, "unit": "hour"})


async def test_off_by_default_the_hand_set_weights_rank(make_app: AppMaker, token: Token) -> None:
    staff = token("staff", "staff-li", station=STATION, county="370102")
    async with make_app(impression_settings=SLOW_WRITER) as app, client_for(app) as client:
        feed = Feed(app)
        await _postings(feed)
        headers = await register(client, token, "seeker-sw-1")
        items = (await client.get("/v1/seekers/seeker-sw-1/matches", headers=headers)).json()["items"]
        status = (await client.get("/v1/matching/status", headers=staff)).json()
        rows = await written(app)

    assert status["ranker"].startswith("hand-")
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    assert {r.ranker for r in rows} == {status["ranker"]}


async def test_switched_on_the_learned_ranker_orders_the_list_and_is_recorded(
    make_app: AppMaker, token: Token, model_file: Path
) -> None:
    staff = token("staff", "staff-li", station=STATION, county="370102")
    on = LtrSettings(enabled=True, model_path=str(model_file))
    async with make_app(impression_settings=SLOW_WRITER, ltr_settings=on) as app, client_for(app) as client:
        feed = Feed(app)
        await _postings(feed)
        headers = await register(client, token, "seeker-sw-2")
        items = (await client.get("/v1/seekers/seeker-sw-2/matches", headers=headers)).json()["items"]
        status = (await client.get("/v1/matching/status", headers=staff)).json()
        rows = await written(app)

    assert status["ranker"] == trained_model().name
    assert len(items) == 6
    learned = [r.learned_score for r in rows]
    assert all(s is not None for s in learned)
    assert learned == sorted(learned, reverse=True)  # type: ignore[type-var]
    assert {r.ranker for r in rows} == {trained_model().name}
    assert all(abs(sum(i["contributions"].values()) - i["score"]) < 1e-9 for i in items)


async def test_a_model_that_did_not_beat_the_hand_set_weights_is_not_served(
    make_app: AppMaker, token: Token, model_file: Path
) -> None:
    meta = json.loads(meta_path(model_file).read_text())
    meta_path(model_file).write_text(json.dumps(meta | {"beats_hand_set": False}))
    on = LtrSettings(enabled=True, model_path=str(model_file))
    staff = token("staff", "staff-li", station=STATION, county="370102")
    async with make_app(ltr_settings=on) as app, client_for(app) as client:
        status = (await client.get("/v1/matching/status", headers=staff)).json()
    assert status["ranker"].startswith("hand-")


async def test_fair_holds_on_an_employers_list_with_the_learned_ranker_on(
    make_app: AppMaker, token: Token, model_file: Path
) -> None:
    p, alpha, k = 0.5, 0.1, 50
    on = LtrSettings(enabled=True, model_path=str(model_file))
    fair = FairnessSettings(p=p, alpha=alpha)
    # An admin reads the whole list: staff see only the candidates they reach (members live further out).
    reader = token("admin", "admin-1")
    async with make_app(ltr_settings=on, fairness_settings=fair) as app, client_for(app) as client:
        feed = Feed(app)
        await feed.employer()
        job = await feed.post("仓库装卸工", km=0.0)
        near = [f"seeker-near-{n}" for n in range(8)]
        members = [f"seeker-member-{n}" for n in range(4)]
        for n, seeker_id in enumerate(near):
            await register(client, token, seeker_id, north_km=0.5 + n * 0.5)
        for n, seeker_id in enumerate(members):
            headers = await register(client, token, seeker_id, north_km=6.0 + n * 0.5)
            await make_member(client, headers, seeker_id)
        response = await client.get(f"/v1/postings/{job['id']}/candidates", headers=reader)
        assert response.status_code == 200, response.text
        items = response.json()["items"]

    counts, seen = [], 0
    for c in items:
        seen += c["seeker_id"] in members
        counts.append(seen)
    need = minimum_table(k, p, alpha)
    assert len(items) == 12
    assert all(c >= m for c, m in zip(counts, need, strict=False))


def test_lingong_ltr_train_refuses_without_enough_outcomes_and_writes_nothing(
    matching_settings: MatchingSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.cli import main

    monkeypatch.setenv("MATCHING_DATABASE_URL", matching_settings.database_url)
    get_settings.cache_clear()
    out = tmp_path / "ltr.txt"
    try:
        result = CliRunner().invoke(main, ["ltr", "train", "--out", str(out)])
        evaluated = CliRunner().invoke(main, ["ltr", "evaluate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert "not written" in result.output
    assert not out.exists()
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.output)["rows"] == 0
