"""A dispatch morning end to end, both apps in this event loop: six multi-slot gig shifts published at the
postings service reach the matching engine through the feed; thirty workers check in; 分配 fills every
place; one place is taken by someone else before 确认; 确认 books everyone else through the postings
service and says who lost their place; a double click books nobody twice."""

import asyncio
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx

from tests.matching.dispatch.morning import MORNING, propose, publish_gig, tick
from tests.matching.serving.conftest import STATION, Token, register
from tests.postings.factories import create_employer

HEADCOUNTS = (3, 3, 4, 4, 5, 5)  # 24 places for 30 workers
WORKERS = 30


async def publish_shifts(postings: httpx.AsyncClient, owner: dict[str, str]) -> list[str]:
    """Six instant gigs, each one shift later this morning; returns the shift ids."""
    employer = await create_employer(postings, owner)
    starts = [MORNING + timedelta(hours=2 + i) for i in range(len(HEADCOUNTS))]
    return [
        await publish_gig(postings, owner, employer["id"], start, n, f"仓库装卸工 {i + 1}号库")
        for i, (start, n) in enumerate(zip(starts, HEADCOUNTS, strict=True))
    ]


async def board_when(matching: httpx.AsyncClient, staff: dict[str, str], shifts: int) -> dict[str, Any]:
    for _ in range(250):
        board: dict[str, Any] = (await matching.get("/v1/dispatch/board", headers=staff)).json()
        if len(board.get("shifts", [])) == shifts:
            return board
        await asyncio.sleep(0.02)
    raise AssertionError(f"the board never showed every shift: {board}")


async def board_when_full(matching: httpx.AsyncClient, staff: dict[str, str]) -> dict[str, Any]:
    return await board_when(matching, staff, len(HEADCOUNTS))


async def filled(postings: httpx.AsyncClient, owner: dict[str, str], shift_id: str) -> int:
    response = await postings.get(
        "/v1/engagements", params={"shift_id": shift_id, "limit": 50}, headers=owner
    )
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


async def test_a_morning_is_assigned_confirmed_and_booked_with_a_stolen_place_reported(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient], token: Token
) -> None:
    postings, matching = apps
    owner = token("employer", "employer-e1")
    staff = token("staff", "staff-li", station=STATION, county="370102")
    shift_ids = await publish_shifts(postings, owner)
    workers = [f"w-{i:02d}" for i in range(WORKERS)]
    for n, w in enumerate(workers):
        await register(matching, token, w, north_km=0.1 * n)
    await tick(matching, staff, *workers)
    board = await board_when_full(matching, staff)
    assert [s["reachable"] for s in board["shifts"]] == [WORKERS] * len(HEADCOUNTS)

    plan = await propose(matching, staff)
    on = Counter(p["shift"]["shift_id"] for p in plan["items"] if p["shift"])
    assert on == dict(zip(shift_ids, HEADCOUNTS, strict=True))
    assert plan["no_job"] == WORKERS - sum(HEADCOUNTS)

    stolen = shift_ids[0]
    outsider = await postings.post(f"/v1/shifts/{stolen}/bookings", headers=token("seeker", "outsider"))
    assert outsider.status_code == 201, outsider.text

    confirm = f"/v1/dispatch/plans/{plan['id']}/confirm"
    first, second = await asyncio.gather(
        matching.post(confirm, headers=staff | {"Idempotency-Key": uuid.uuid4().hex}),
        matching.post(confirm, headers=staff | {"Idempotency-Key": uuid.uuid4().hex}),
    )
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    results = {p["seeker_id"]: p["result"] for p in first.json()["items"] if p["shift"]}
    assert results == {p["seeker_id"]: p["result"] for p in second.json()["items"] if p["shift"]}
    lost = [w for w, r in results.items() if r["outcome"] != "booked"]
    assert len(lost) == 1
    assert results[lost[0]]["outcome"] == "refused"
    assert results[lost[0]]["code"] == "shift_full"
    assert next(p for p in first.json()["items"] if p["seeker_id"] == lost[0])["shift"]["shift_id"] == stolen
    assert [await filled(postings, owner, s) for s in shift_ids] == list(HEADCOUNTS)
    assert sum(1 for r in results.values() if r["engagement_id"]) == sum(HEADCOUNTS) - 1
    again = await propose(matching, staff)  # those booked are out of the morning's next 分配
    left = sorted([*lost, *(w for w in workers if w not in results)])
    assert sorted(p["seeker_id"] for p in again["items"]) == left


async def test_a_worker_the_staff_did_not_reach_who_checks_in_with_the_code_is_booked_at_confirm(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient], token: Token
) -> None:
    postings, matching = apps
    owner = token("employer", "employer-e1")
    staff = token("staff", "staff-zhao", station=STATION)  # reaches the station's own registrations only
    employer = await create_employer(postings, owner)
    await publish_gig(postings, owner, employer["id"], MORNING + timedelta(hours=3), 1, "仓库装卸工")
    visitor = await register(matching, token, "w-visitor")  # registered from the app, not at the station
    unseen = await matching.get("/v1/seekers/w-visitor", headers=staff)
    code = (await matching.get("/v1/dispatch/checkin-code", headers=staff)).json()["code"]
    url = f"/v1/dispatch/stations/{STATION}/checkins"
    assert (await matching.post(url, json={"code": code}, headers=visitor)).status_code == 204
    await board_when(matching, staff, shifts=1)

    plan = await propose(matching, staff)
    confirmed = await matching.post(f"/v1/dispatch/plans/{plan['id']}/confirm", headers=staff)

    assert unseen.status_code == 404
    assert confirmed.status_code == 200, confirmed.text
    assert [p["result"]["outcome"] for p in confirmed.json()["items"]] == ["booked"]
