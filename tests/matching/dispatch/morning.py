"""Helpers for dispatch's tests: the clock at 05:00 in Shanghai on the ranking tests' day (the hour a
零工驿站's morning starts); shifts posted for later that day; ticking in, proposing, reading a plan."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.matching.ranking.conftest import shift
from tests.matching.serving.conftest import Feed, Token, register
from tests.postings.factories import create_posting, gig_body, iso, publish

MORNING = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)  # Tuesday 1 December, 05:00 in Shanghai


def today(hour: int, hours: float = 4, headcount: int = 2, **extra: Any) -> dict[str, Any]:
    """A shift starting at `hour`:00 Shanghai time today."""
    return shift(MORNING + timedelta(hours=hour - 5), hours=hours, headcount=headcount, **extra)


async def gig(
    feed: Feed, title: str = "仓库装卸工", *shifts: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    """An instant-booking gig of the feed's employer with these shifts (default: one at 08:00 for two)."""
    return await feed.post(title, kind="gig", booking="instant", shifts=list(shifts) or [today(8)], **fields)


async def tick(client: httpx.AsyncClient, staff: dict[str, str], *seeker_ids: str) -> None:
    for seeker_id in seeker_ids:
        response = await client.post("/v1/dispatch/checkins", json={"seeker_id": seeker_id}, headers=staff)
        assert response.status_code == 201, response.text


async def propose(client: httpx.AsyncClient, staff: dict[str, str]) -> dict[str, Any]:
    response = await client.post("/v1/dispatch/plans", headers=staff)
    assert response.status_code == 201, response.text
    plan: dict[str, Any] = response.json()
    return plan


def assigned(plan: dict[str, Any]) -> dict[str, str | None]:
    """seeker → the shift id they are on (None: no job today)."""
    return {p["seeker_id"]: (p["shift"] or {}).get("shift_id") for p in plan["items"]}


async def publish_gig(
    postings: httpx.AsyncClient,
    owner: dict[str, str],
    employer_id: str,
    start: datetime,
    headcount: int,
    title: str,
) -> str:
    """An instant gig at the postings service with one four-hour shift from `start`; returns the shift id."""
    shifts = [{"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=4)), "headcount": headcount}]
    body = gig_body(employer_id, start, headcount=headcount, shifts=shifts, title=title)
    draft, etag = await create_posting(postings, owner, body)
    assert (await publish(postings, owner, draft["id"], etag)).status_code == 200
    read = await postings.get(f"/v1/postings/{draft['id']}", headers=owner)
    return str(read.json()["shifts"][0]["id"])


async def morning_plan(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], *seeker_ids: str
) -> dict[str, Any]:
    """These workers registered, ticked in, and 分配 run."""
    for seeker_id in seeker_ids:
        await register(client, token, seeker_id)
    await tick(client, staff, *seeker_ids)
    return await propose(client, staff)
