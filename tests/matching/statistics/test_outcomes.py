"""The funnel and placement rates against a hand-computed scenario of feed events (all a day ago):

County A, station st-1: six referred job applications (s-001…s-006), five accepted (s-001…s-005);
five station bookings on gig shifts (s-008…s-012), all worked and paid.
County A, no station: two applications by seekers themselves (s-007 accepted, s-008 not).
County B: three applications by seekers themselves, none accepted.
Registered in A: s-001…s-012; s-001…s-006 older workers under the sensitive-data consent, of whom
s-001 and s-002 are also disabled.

Funnel            referrals applications accepted/booked completed paid
  A (total)          11          8              11           5       5
  A st-1             11          6              10           5       5
  B (total)           0         <5               0           0       0
  all                11         11              11           5       5
Placement: everyone 12 seekers, 11 placed (91.7 %); older workers 6, 5 (83.3 %); disabled <5.
"""

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.matching.statistics.conftest import NOW, A, B, Feed, Seekers

Headers = Callable[..., dict[str, str]]
DAY_AGO = (NOW - timedelta(days=1)).isoformat()
EMPLOYER = "00000000-0000-4000-8000-000000000001"
STEPS = ("county_adcode", "station_id", "referrals", "applications", "accepted_booked", "completed", "paid")


def application(seeker: str, county: str, station: str | None, accepted: bool) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "posting_id": str(uuid.uuid4()),
        "employer_id": EMPLOYER,
        "county_adcode": county,
        "seeker_id": seeker,
        "status": "accepted" if accepted else "applied",
        "source": "station" if station else "self",
        "station_id": station,
        "decided_at": DAY_AGO if accepted else None,
        "version": 2 if accepted else 1,
        "created_at": DAY_AGO,
        "updated_at": DAY_AGO,
    }


def paid_booking(seeker: str, county: str, station: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "shift_id": str(uuid.uuid4()),
        "posting_id": str(uuid.uuid4()),
        "employer_id": EMPLOYER,
        "county_adcode": county,
        "seeker_id": seeker,
        "status": "paid",
        "source": "station",
        "station_id": station,
        "starts_at": (NOW - timedelta(days=1, hours=6)).isoformat(),
        "ends_at": (NOW - timedelta(days=1, hours=2)).isoformat(),
        "booked_at": (NOW - timedelta(days=2)).isoformat(),
        "checked_out_at": (NOW - timedelta(days=1, hours=2)).isoformat(),
        "amount_due": "100.00",
        "paid_at": DAY_AGO,
        "version": 5,
        "created_at": (NOW - timedelta(days=2)).isoformat(),
        "updated_at": DAY_AGO,
    }


async def build(feed: Feed, seekers: Seekers) -> None:
    older = {"priority_groups": ["older_worker_45_65"]}
    for i in range(1, 13):
        facts = None if i > 6 else ({**older, "disability": True} if i <= 2 else older)
        await seekers.register(A, ["6-29-01-03"], sensitive=facts)
    for i in range(1, 7):
        await feed.send("application.accepted", application(f"s-{i:03d}", A, "st-1", accepted=i <= 5))
    await feed.send("application.accepted", application("s-007", A, None, accepted=True))
    await feed.send("application.created", application("s-008", A, None, accepted=False))
    for i in range(8, 13):
        await feed.send("engagement.paid", paid_booking(f"s-{i:03d}", A, "st-1"))
    for i in range(3):
        await feed.send("application.created", application(f"b-{i}", B, None, accepted=False))


async def test_the_funnel_matches_the_hand_computed_scenario(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    await build(feed, seekers)
    r = await client.get("/v1/statistics/outcomes", headers=as_role("admin"))
    assert r.status_code == 200, r.text
    assert [tuple(row[k] for k in STEPS) for row in r.json()["funnel"]] == [
        # A's 8 applications are hidden: with the area's 11 they would give B's <5 back (11 − 8)
        (A, None, 11, "x", 11, 5, 5),
        (A, "st-1", 11, 6, 10, 5, 5),
        (B, None, 0, "<5", 0, 0, 0),
        (None, None, 11, 11, 11, 5, 5),
    ]


async def test_placement_rates_of_priority_groups_sit_next_to_everyones(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    await build(feed, seekers)
    r = await client.get("/v1/statistics/outcomes", headers=as_role("staff", A))
    rows = [(x["group"], x["seekers"], x["placed"], x["rate_pct"]) for x in r.json()["placement"]]
    assert rows == [(None, 12, 11, 91.7), ("disabled", "<5", "<5", "<5"), ("older_worker_45_65", 6, 5, 83.3)]


async def test_events_outside_the_period_are_not_counted(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    await build(feed, seekers)
    day = (NOW - timedelta(days=5)).date().isoformat()
    r = await client.get(f"/v1/statistics/outcomes?from={day}&to={day}", headers=as_role("admin"))
    assert r.json()["funnel"] == [
        {"county_adcode": None, "county_name": "全部", "station_id": None}
        | dict.fromkeys(("referrals", "applications", "accepted_booked", "completed", "paid"), 0)
    ]


@pytest.mark.parametrize("table", ["funnel", "placement"])
async def test_every_figure_in_the_outcome_xlsx_equals_the_apis(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers, table: str
) -> None:
    from tests.matching.statistics.test_exports import xlsx_rows

    await build(feed, seekers)
    data = (await client.get("/v1/statistics/outcomes", headers=as_role("admin"))).json()[table]
    r = await client.get(f"/v1/statistics/outcomes?format=xlsx&table={table}", headers=as_role("admin"))
    sheet = xlsx_rows(r.content)
    assert sheet[1:] == [[None if v == "" else v for v in row.values()] for row in data]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-12-05&to=2026-12-01", "dates_out_of_order"),
        ("to=2026-12-10", "invalid_period"),
        ("from=2025-01-01&to=2026-12-01", "invalid_period"),
        ("from=2019-12-31&to=2020-01-02", "invalid_period"),
        ("from=2026-13-01", "validation_failed"),
        ("table=people&format=csv", "validation_failed"),
    ],
)
async def test_bad_periods_are_422(
    client: httpx.AsyncClient, as_role: Headers, query: str, code: str
) -> None:
    r = await client.get(f"/v1/statistics/outcomes?{query}", headers=as_role("admin"))
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code
