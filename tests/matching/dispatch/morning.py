"""Helpers for dispatch's tests: the clock at 05:00 in Shanghai on the ranking tests' day (the hour a
零工驿站's morning starts); shifts posted for later that day; ticking in, proposing, reading a plan."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.matching.ranking.conftest import shift
from tests.matching.serving.conftest import Feed

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
