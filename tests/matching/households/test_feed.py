"""A household leaves zero when a member is placed (the real feed) and re-enters when the work ends."""

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.matching.cases.conftest import register
from tests.matching.households.conftest import Headers, household
from tests.matching.outcomes.flows import accept, paid_gig, refer_to_job

Token = Callable[..., Headers]


async def _until(client: httpx.AsyncClient, staff: Headers, household_id: str, status: str) -> dict[str, Any]:
    for _ in range(100):
        body = dict((await client.get(f"/v1/households/{household_id}", headers=staff)).json())
        if body["status"] == status:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"household never reached {status}: {body}")


async def test_a_household_leaves_zero_when_a_member_is_hired_and_reenters_when_the_job_ends(
    postings: httpx.AsyncClient,
    live_matching: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    await register(live_matching, token, "s-wang")
    await register(live_matching, token, "s-wang-wife")
    made = await household(live_matching, staff, "s-wang", "s-wang-wife")
    clock.advance(timedelta(days=5))
    boss = token("employer", "boss")

    await accept(postings, boss, (await refer_to_job(postings, boss, staff, "s-wang-wife"))["id"])
    cleared = await _until(live_matching, staff, made["id"], "cleared")
    [placement] = (await live_matching.get("/v1/seekers/s-wang-wife/placements", headers=staff)).json()
    clock.advance(timedelta(days=40))
    ended = await live_matching.post(
        f"/v1/placements/{placement['id']}/end",
        json={"ended_at": clock.now().isoformat(), "reason": "contract_ended"},
        headers=staff,
    )
    clock.advance(timedelta(days=3))
    back = (await live_matching.get(f"/v1/households/{made['id']}", headers=staff)).json()

    assert (cleared["days_at_zero"], cleared["total_days_at_zero"]) == (0, 5)
    assert [m["employed"] for m in cleared["members"]] == [False, True]
    assert ended.status_code == 200, ended.text
    assert (back["status"], back["days_at_zero"], back["total_days_at_zero"]) == ("zero", 3, 8)
    assert [s["ended_by"] for s in back["spells"]] == ["placed", None]


async def test_a_paid_gig_clears_a_household_until_its_time_in_work_lapses(
    postings: httpx.AsyncClient,
    live_matching_app: FastAPI,
    live_matching: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    worker = await register(live_matching, token, "s-li")
    made = await household(live_matching, staff, "s-li")

    paid = await paid_gig(postings, token("employer", "boss"), worker, clock)
    await _until(live_matching, staff, made["id"], "cleared")
    clock.advance(timedelta(days=29))
    still = await live_matching_app.state.outcomes_sweeper.run_once()
    clock.advance(timedelta(days=2))
    lapsed = await live_matching_app.state.outcomes_sweeper.run_once()
    back = (await live_matching.get(f"/v1/households/{made['id']}", headers=staff)).json()

    assert paid["status"] == "paid"
    assert (still, lapsed) == (0, 1)
    assert back["status"] == "zero"
