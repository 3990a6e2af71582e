"""The fairness term through the whole service, over four mornings with real bookings: one place a day,
two regulars; the better match gets the first morning, and then the place goes to whoever has been
longer without work, as the dispatch's own bookings tell it."""

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from services.kit.clock import ManualClock
from tests.matching.dispatch.morning import MORNING, propose, publish_gig, tick
from tests.matching.serving.conftest import STATION, Token, register
from tests.postings.factories import create_employer

MORNINGS = 4


async def plan_with_shift(matching: httpx.AsyncClient, staff: dict[str, str]) -> dict[str, Any]:
    """分配 once the feed has brought today's shift to the board."""
    for _ in range(250):
        board = (await matching.get("/v1/dispatch/board", headers=staff)).json()
        if board["shifts"]:
            return await propose(matching, staff)
        await asyncio.sleep(0.02)
    raise AssertionError("today's shift never reached the board")


async def test_one_place_a_day_rotates_as_days_without_work_grow(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient], token: Token, clock: ManualClock
) -> None:
    postings, matching = apps
    owner = token("employer", "employer-e1")
    staff = token("staff", "staff-li", station=STATION, county="370102")
    employer = await create_employer(postings, owner)
    await register(matching, token, "near", north_km=1.0)
    await register(matching, token, "far", north_km=-6.0)
    got, days = [], []
    for day in range(MORNINGS):
        clock.set(MORNING + timedelta(days=day))
        await publish_gig(postings, owner, employer["id"], clock.now() + timedelta(hours=3), 1, "仓库装卸工")
        await tick(matching, staff, "near", "far")
        plan = await plan_with_shift(matching, staff)
        confirmed = await matching.post(f"/v1/dispatch/plans/{plan['id']}/confirm", headers=staff)
        assert confirmed.status_code == 200, confirmed.text
        got.append(next(p["seeker_id"] for p in confirmed.json()["items"] if p["result"]))
        days.append({p["seeker_id"]: p["days_since_work"] for p in plan["items"]})
    assert got == ["near", "far", "near", "far"]
    assert days[0] == {"near": None, "far": None}
    assert days[1] == {"near": 1, "far": None}
    assert days[2] == {"near": 2, "far": 1}
