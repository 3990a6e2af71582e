from collections.abc import Callable
from typing import Any

import httpx

from tests.matching.statistics.conftest import A, B, Feed, Seekers
from tests.matching.statistics.scenario import EXPECTED_A, EXPECTED_B, build

Headers = Callable[..., dict[str, str]]


def cells(body: dict[str, Any], counties: set[str]) -> list[tuple[Any, ...]]:
    keys = ("county_adcode", "occupation_group", "postings", "vacancies", "seekers", "ratio")
    return [tuple(r[k] for k in keys) for r in body["rows"] if r["county_adcode"] in counties]


async def test_supply_demand_matches_the_hand_computed_scenario(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    await build(feed, seekers)
    r = await client.get("/v1/statistics/supply-demand", headers=as_role("admin"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["week"], body["level"], body["source"]) == ("2026-W50", 2, "live")
    assert cells(body, {A, B}) == EXPECTED_A + EXPECTED_B


async def test_admin_sees_a_total_row_for_every_county(client: httpx.AsyncClient, as_role: Headers) -> None:
    r = await client.get("/v1/statistics/supply-demand", headers=as_role("admin"))
    totals = [row for row in r.json()["rows"] if row["occupation_group"] is None]
    assert len(totals) == 137
    assert all(row["vacancies"] == 0 and row["seekers"] == 0 for row in totals)


async def test_level_one_counts_a_seeker_once_per_major_group(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    await build(feed, seekers)
    r = await client.get("/v1/statistics/supply-demand?level=1", headers=as_role("admin"))
    assert cells(r.json(), {A}) == [
        (A, None, 3, 18, 7, 2.57),
        (A, "4", 1, 3, "<5", "<5"),
        (A, "6", 2, 15, 6, 2.5),
        (A, "unclassified", 0, 0, "<5", "<5"),
    ]


async def test_staff_see_their_own_county_by_default(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    await build(feed, seekers)
    r = await client.get("/v1/statistics/supply-demand", headers=as_role("staff", B))
    assert r.status_code == 200
    assert {row["county_adcode"] for row in r.json()["rows"]} == {B}
    assert cells(r.json(), {B}) == EXPECTED_B


async def test_a_posting_change_counts_at_the_next_read(
    client: httpx.AsyncClient, feed: Feed, as_role: Headers
) -> None:
    posting = await feed.post(B, "4-02-06-01", 20)
    await feed.post(B, "4-02-06-01", 20, id=posting, status="closed")
    r = await client.get(f"/v1/statistics/supply-demand?county={B}", headers=as_role("admin"))
    assert cells(r.json(), {B}) == [(B, None, 0, 0, 0, None)]
