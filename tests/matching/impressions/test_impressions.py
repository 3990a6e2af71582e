"""Every list the matching service serves is recorded: what, where, to whom, with which scores; writes
are batched off the request and the buffer is bounded (drops counted); old impressions can be deleted."""

from datetime import timedelta

import pytest

from services.kit.clock import ManualClock
from services.matching.impressions.config import ImpressionSettings
from services.matching.impressions.service import delete_impressions_before
from services.matching.ranking.ltr.features import FEATURES, HAND_RANKER
from tests.conftest import client_for
from tests.matching.impressions.conftest import AppMaker, written
from tests.matching.serving.conftest import OWNER, Feed, Token, register

SLOW_WRITER = ImpressionSettings(flush_seconds=3600)  # tests flush by hand


async def _three_postings(feed: Feed) -> list[str]:
    ids = []
    for km in (0.5, 1.5, 3.0):
        ids.append((await feed.post("仓库装卸工", km=km))["id"])
    return ids


async def test_a_seekers_matches_are_recorded_in_order_with_scores_features_and_request_id(
    make_app: AppMaker, token: Token
) -> None:
    async with make_app(impression_settings=SLOW_WRITER) as app, client_for(app) as client:
        feed = Feed(app)
        await feed.employer()
        await _three_postings(feed)
        headers = await register(client, token, "seeker-imp-1")
        response = await client.get("/v1/seekers/seeker-imp-1/matches", headers=headers)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        rows = await written(app)

    assert [str(r.posting_id) for r in rows] == [i["posting_id"] for i in items]
    assert [r.position for r in rows] == list(range(1, len(items) + 1))
    assert len(items) == 3
    assert {r.request_id for r in rows} == {response.headers["x-request-id"]}
    for row, item in zip(rows, items, strict=True):
        assert (row.surface, row.viewer_role, row.viewer_id) == ("matches", "seeker", "seeker-imp-1")
        assert row.seeker_id == "seeker-imp-1"
        assert row.employer_id == feed.employer_id
        assert row.score == pytest.approx(item["score"])
        assert row.factors == pytest.approx(item["contributions"])
        assert sum(row.factors.values()) == pytest.approx(row.score)
        assert set(row.features or {}) == set(FEATURES)
        assert row.ranker == HAND_RANKER
        assert row.learned_score is None


async def test_an_employers_candidate_list_is_recorded_as_shown(make_app: AppMaker, token: Token) -> None:
    async with make_app(impression_settings=SLOW_WRITER) as app, client_for(app) as client:
        feed = Feed(app)
        await feed.employer()
        job = await feed.post("仓库装卸工", km=0.0)
        for n in range(3):
            await register(client, token, f"seeker-cand-{n}", north_km=0.5 + n)
        response = await client.get(f"/v1/postings/{job['id']}/candidates", headers=token("employer", OWNER))
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        rows = [r for r in await written(app) if r.surface == "candidates"]

    assert len(items) == 3  # the employer sees handles; the record keeps the ids
    assert [r.seeker_id for r in rows] == [f"seeker-cand-{n}" for n in range(3)]
    assert [r.position for r in rows] == [1, 2, 3]
    assert all(str(r.posting_id) == job["id"] and r.employer_id == feed.employer_id for r in rows)
    assert all((r.viewer_role, r.viewer_id) == ("employer", OWNER) for r in rows)
    assert all(sum(r.factors.values()) == pytest.approx(r.score) for r in rows)


async def test_a_full_buffer_drops_and_counts_instead_of_waiting(make_app: AppMaker, token: Token) -> None:
    tight = ImpressionSettings(buffer_max=2, flush_seconds=3600)
    async with make_app(impression_settings=tight) as app, client_for(app) as client:
        feed = Feed(app)
        await feed.employer()
        await _three_postings(feed)
        headers = await register(client, token, "seeker-imp-2")
        first = await client.get("/v1/seekers/seeker-imp-2/matches", headers=headers)
        second = await client.get("/v1/seekers/seeker-imp-2/matches", headers=headers)
        metrics = (await client.get("/metrics")).text
        rows = await written(app)

    assert first.status_code == second.status_code == 200
    assert len(first.json()["items"]) == 3
    assert [r.position for r in rows] == [1, 2]  # the first two of the first list; the rest dropped
    assert 'matching_impressions_dropped_total{reason="overflow"} 4.0' in metrics


async def test_switched_off_nothing_is_recorded(make_app: AppMaker, token: Token) -> None:
    async with (
        make_app(impression_settings=ImpressionSettings(enabled=False)) as app,
        client_for(app) as client,
    ):
        feed = Feed(app)
        await feed.employer()
        await _three_postings(feed)
        headers = await register(client, token, "seeker-imp-3")
        assert (await client.get("/v1/seekers/seeker-imp-3/matches", headers=headers)).status_code == 200
        assert app.state.impression_buffer is None


async def test_impressions_older_than_the_cutoff_are_deleted(
    make_app: AppMaker, token: Token, clock: ManualClock
) -> None:
    async with make_app(impression_settings=SLOW_WRITER) as app, client_for(app) as client:
        feed = Feed(app)
        await feed.employer()
        await _three_postings(feed)
        headers = await register(client, token, "seeker-imp-4")
        await client.get("/v1/seekers/seeker-imp-4/matches", headers=headers)
        clock.advance(timedelta(days=2))
        await client.get("/v1/seekers/seeker-imp-4/matches", headers=headers)
        assert len(await written(app)) == 6
        async with app.state.sessionmaker() as session:
            deleted = await delete_impressions_before(session, clock.now() - timedelta(days=1))
            await session.commit()
        left = await written(app)

    assert deleted == 3
    assert len(left) == 3


async def test_what_the_buffer_holds_is_written_in_batches_when_the_service_stops(
    make_app: AppMaker, token: Token
) -> None:
    settings = ImpressionSettings(flush_seconds=3600, batch_rows=2)
    async with make_app(impression_settings=settings) as app, client_for(app) as client:
        feed = Feed(app)
        await feed.employer()
        await _three_postings(feed)
        headers = await register(client, token, "seeker-imp-5")
        await client.get("/v1/seekers/seeker-imp-5/matches", headers=headers)
        assert len(app.state.impression_buffer) == 3
    async with make_app(impression_settings=settings) as again:
        rows = await written(again)
    assert [r.position for r in rows] == [1, 2, 3]
