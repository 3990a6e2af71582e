"""Impressions hold who was shown what: the seeker's export lists them, erasure pseudonymises them, and
the retention sweep deletes them after MATCHING_IMPRESSIONS__RETENTION_DAYS (docs/privacy.md)."""

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import or_, select

from services.kit.clock import ManualClock
from services.matching.impressions.config import ImpressionSettings
from services.matching.impressions.models import Impression
from services.matching.privacy.retention import SweepReport
from tests.conftest import client_for
from tests.matching.impressions.conftest import AppMaker, written
from tests.matching.serving.conftest import Feed, Token, register

SLOW_WRITER = ImpressionSettings(flush_seconds=3600, retention_days=30)  # tests flush by hand
SEEKER = "seeker-shown-1"


async def _shown_three(app: FastAPI, token: Token) -> tuple[dict[str, str], list[str]]:
    feed = Feed(app)
    await feed.employer()
    for km in (0.5, 1.5, 3.0):
        await feed.post("仓库装卸工", km=km)
    async with client_for(app) as client:
        headers = await register(client, token, SEEKER)
        response = await client.get(f"/v1/seekers/{SEEKER}/matches", headers=headers)
    assert response.status_code == 200, response.text
    await written(app)
    return headers, [item["posting_id"] for item in response.json()["items"]]


async def _rows_naming(app: FastAPI, seeker_id: str) -> list[Impression]:
    async with app.state.sessionmaker() as session:
        naming = or_(Impression.seeker_id == seeker_id, Impression.viewer_id == seeker_id)
        return list((await session.scalars(select(Impression).where(naming))).all())


async def test_a_seekers_export_lists_the_postings_shown_to_them(make_app: AppMaker, token: Token) -> None:
    async with make_app(impression_settings=SLOW_WRITER) as app, client_for(app) as client:
        headers, shown = await _shown_three(app, token)
        export = await client.get(f"/v1/seekers/{SEEKER}/export", headers=headers)

    assert export.status_code == 200, export.text
    section = export.json()["sections"]["matches_shown"]
    assert section["status"] == "ok"
    assert [item["posting_id"] for item in section["items"]] == shown
    assert [item["position"] for item in section["items"]] == [1, 2, 3]
    assert {item["surface"] for item in section["items"]} == {"matches"}


async def test_erasure_leaves_no_impression_naming_the_seeker(make_app: AppMaker, token: Token) -> None:
    async with make_app(impression_settings=SLOW_WRITER) as app, client_for(app) as client:
        headers, shown = await _shown_three(app, token)
        erased = await client.delete(f"/v1/seekers/{SEEKER}", headers=headers)
        naming = await _rows_naming(app, SEEKER)
        kept = await written(app)

    assert erased.status_code == 204, erased.text
    assert naming == []
    assert len(kept) == len(shown)  # the counts stay, under the pseudonym
    assert {(r.seeker_id, r.viewer_id) for r in kept} == {(kept[0].seeker_id, kept[0].seeker_id)}
    assert kept[0].seeker_id.startswith("erased-")


async def test_the_retention_sweep_deletes_impressions_past_their_period(
    make_app: AppMaker, token: Token, clock: ManualClock
) -> None:
    async with make_app(impression_settings=SLOW_WRITER) as app:
        await _shown_three(app, token)
        clock.advance(timedelta(days=29))
        early: SweepReport = await app.state.privacy_sweeper.run_once()
        clock.advance(timedelta(days=2))
        late: SweepReport = await app.state.privacy_sweeper.run_once()
        left = await written(app)

    assert early.purged.get("match_impressions") == 0
    assert late.purged.get("match_impressions") == 3
    assert left == []
