import csv
import io
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.statistics.config import StatisticsSettings
from services.matching.statistics.schemas import ALERT_COLUMNS
from services.matching.statistics.snapshots import StatisticsTask
from tests.matching.replica.feeds import employer_data
from tests.matching.statistics.conftest import NOW, A, B, Feed, Seekers, last_week

Headers = Callable[..., dict[str, str]]
KEYS = ("signal", "level", "county_adcode", "subject", "previous", "current", "change_pct", "threshold")
WAREHOUSE, BUILDING = "4-02-06-01", "6-29-01-03"


def alerts(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(a[k] for k in KEYS) for a in body["alerts"]]


@pytest.fixture
def few_seekers_count(stats_app: FastAPI) -> None:
    stats_app.state.statistics_settings = StatisticsSettings(ratio_drop_min_seekers=5)


@pytest.fixture
async def ratio_fell_in_b(feed: Feed, seekers: Seekers, task: StatisticsTask, clock: ManualClock) -> None:
    """Five seekers in B; last week 20 places (求人倍率 4.0), now 12 (2.4): a 40 % fall."""
    async with last_week(clock, task):
        for _ in range(5):
            await seekers.register(B, [WAREHOUSE])
        before = await feed.post(B, WAREHOUSE, 20)
    await feed.post(B, WAREHOUSE, 20, id=before, status="closed")
    await feed.post(B, WAREHOUSE, 12)


@pytest.mark.usefixtures("few_seekers_count", "ratio_fell_in_b")
async def test_a_county_ratio_falling_40_percent_is_orange(
    client: httpx.AsyncClient, as_role: Headers
) -> None:
    r = await client.get("/v1/alerts?signal=ratio_drop", headers=as_role("admin"))
    assert r.status_code == 200, r.text
    assert alerts(r.json()) == [("ratio_drop", "orange", B, None, 4.0, 2.4, -40.0, 35.0)]


@pytest.mark.usefixtures("ratio_fell_in_b")
async def test_a_ratio_fall_among_fewer_seekers_than_the_floor_raises_nothing(
    client: httpx.AsyncClient, as_role: Headers
) -> None:
    r = await client.get("/v1/alerts", headers=as_role("admin"))
    assert alerts(r.json()) == []


async def test_open_postings_collapsing_in_an_occupation_is_red(
    client: httpx.AsyncClient, feed: Feed, task: StatisticsTask, clock: ManualClock, as_role: Headers
) -> None:
    async with last_week(clock, task):
        ids = [await feed.post(A, BUILDING, 1) for _ in range(20)]
    for posting in ids[:14]:
        await feed.post(A, BUILDING, 1, id=posting, status="closed")
    r = await client.get("/v1/alerts", headers=as_role("staff", A))
    assert alerts(r.json()) == [("postings_collapse", "red", A, "6-29", 20, 6, -70.0, 70.0)]


async def layoffs(seekers: Seekers, clock: ManualClock) -> None:
    """Two named 济宁某纺织有限公司 ten days ago; ten this week (written two ways); nine another firm."""
    clock.set(NOW - timedelta(days=10))
    for _ in range(2):
        await seekers.register(A, [WAREHOUSE], former_employer="济宁某纺织有限公司")
    clock.set(NOW - timedelta(days=1))
    for i in range(10):
        name = "济宁某纺织有限公司" if i < 7 else "济宁某纺织 有限公司"
        await seekers.register(A if i < 6 else B, [WAREHOUSE], former_employer=name)
    for _ in range(9):
        await seekers.register(A, [WAREHOUSE], former_employer="某机械厂")
    clock.set(NOW)


async def test_ten_new_seekers_naming_one_former_employer_is_yellow(
    client: httpx.AsyncClient, seekers: Seekers, clock: ManualClock, as_role: Headers
) -> None:
    await layoffs(seekers, clock)
    r = await client.get("/v1/alerts", headers=as_role("admin"))
    assert alerts(r.json()) == [("layoff_surge", "yellow", None, "济宁某纺织有限公司", "<5", 10, "<5", 10.0)]


async def test_staff_see_only_their_countys_layoff_figures(
    client: httpx.AsyncClient, seekers: Seekers, clock: ManualClock, as_role: Headers
) -> None:
    await layoffs(seekers, clock)
    r = await client.get("/v1/alerts", headers=as_role("staff", A))
    assert alerts(r.json()) == []


async def test_alerts_filter_by_level(
    client: httpx.AsyncClient, seekers: Seekers, clock: ManualClock, as_role: Headers
) -> None:
    await layoffs(seekers, clock)
    r = await client.get("/v1/alerts?level=orange", headers=as_role("admin"))
    assert r.json()["alerts"] == []


async def test_every_figure_in_the_alerts_csv_equals_the_apis(
    client: httpx.AsyncClient, seekers: Seekers, clock: ManualClock, as_role: Headers
) -> None:
    await layoffs(seekers, clock)
    data = (await client.get("/v1/alerts", headers=as_role("admin"))).json()["alerts"]
    r = await client.get("/v1/alerts?format=csv", headers=as_role("admin"))
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert table[0] == [heading for _, heading in ALERT_COLUMNS]
    assert table[1:] == [["" if a[k] is None else str(a[k]) for k, _ in ALERT_COLUMNS] for a in data]
    assert len(table) == 2


@pytest.mark.parametrize("query", ["signal=flood", "level=purple", "format=doc", "county=12345"])
async def test_bad_alert_filters_are_422(client: httpx.AsyncClient, as_role: Headers, query: str) -> None:
    r = await client.get(f"/v1/alerts?{query}", headers=as_role("admin"))
    assert r.status_code == 422


def dispute(employer: str, county: str, days_ago: float, resolution: str | None = None) -> dict[str, Any]:
    opened = (NOW - timedelta(days=days_ago)).isoformat()
    return {
        "id": str(uuid.uuid4()),
        "engagement_id": str(uuid.uuid4()),
        "employer_id": employer,
        "county_adcode": county,
        "station_id": None,
        "seeker_id": "s-x",
        "kind": "wage",
        "amount_due": "180.00",
        "status": "resolved" if resolution else "open",
        "resolution": resolution,
        "note": None,
        "opened_at": opened,
        "resolved_at": opened if resolution else None,
        "resolved_by": "staff-1" if resolution else None,
        "version": 2 if resolution else 1,
        "created_at": opened,
        "updated_at": opened,
    }


async def test_unpaid_wage_disputes_rising_at_a_county_and_an_employer_are_yellow(
    client: httpx.AsyncClient, feed: Feed, as_role: Headers
) -> None:
    boss = str(uuid.uuid4())
    await feed.send("employer.created", employer_data(uuid.UUID(boss), name="某建筑劳务有限公司"))
    for days in (9, 10):
        await feed.send("dispute.opened", dispute(boss, A, days))
    for i in range(6):
        await feed.send("dispute.opened", dispute(boss, A, 1 + i / 2))
    await feed.send("dispute.resolved", dispute(boss, A, 1, resolution="unfounded"))
    r = await client.get("/v1/alerts?signal=dispute_rise", headers=as_role("staff", A))
    assert [(a["county_adcode"], a["subject_name"]) for a in r.json()["alerts"]] == [
        (None, "某建筑劳务有限公司"),
        (A, "济南市历下区"),
    ]
    assert {alerts(r.json())[i][4:] for i in (0, 1)} == {("<5", 6, "<5", 5.0)}


async def test_disputes_no_more_than_the_week_before_raise_nothing(
    client: httpx.AsyncClient, feed: Feed, as_role: Headers
) -> None:
    boss = str(uuid.uuid4())
    for days in (*range(8, 14), *range(0, 6)):
        await feed.send("dispute.opened", dispute(boss, A, days + 0.5))
    r = await client.get("/v1/alerts?signal=dispute_rise", headers=as_role("admin"))
    assert r.json()["alerts"] == []
