"""The board and 分配 through the API, on a feed-driven engine: today's shifts within reach, an
assignment that keeps the hard rules and headcounts, swaps with reasons."""

import random
from datetime import timedelta

import httpx
from fastapi import FastAPI

from tests.fuzzing import mutate
from tests.matching.dispatch.morning import MORNING, assigned, gig, morning_plan, propose, tick, today
from tests.matching.ranking.conftest import shift
from tests.matching.serving.conftest import Feed, Token, register


async def test_the_board_shows_todays_open_shifts_within_reach_with_free_places(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    await register(client, token, "w-1")
    await tick(client, staff, "w-1")
    near = await gig(feed, "仓库装卸工", today(8, headcount=3, filled=1), shift(MORNING + timedelta(days=1)))
    in_county = await gig(feed, "仓库搬运", today(9), km=80.0)  # the station's county, beyond a bus ride
    elsewhere = {"lat": 36.4, "lng": 118.2, "county_adcode": "370305", "address": None}
    await gig(feed, "仓库搬运", today(9), location=elsewhere)  # another county, and far
    await gig(feed, "仓库装卸", today(4, headcount=2))  # started before 05:00
    board = (await client.get("/v1/dispatch/board", headers=staff)).json()
    assert board["present"] == 1
    assert [(s["posting_id"], s["free"], s["headcount"], s["reachable"]) for s in board["shifts"]] == [
        (near["id"], 2, 3, 1),
        (in_county["id"], 2, 2, 0),
    ]


async def test_the_plan_fills_each_shift_up_to_its_free_places_and_no_further(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    posting = await gig(feed, "仓库装卸工", today(8, headcount=2))
    workers = [f"w-{i}" for i in range(4)]
    for w in workers:
        await register(client, token, w)
    await tick(client, staff, *workers)
    plan = await propose(client, staff)
    on = assigned(plan)
    assert sorted(on.values(), key=str).count(posting["shifts"][0]["id"]) == 2
    assert plan["assigned"] == 2
    assert plan["no_job"] == 2
    assert plan["status"] == "proposed"
    assert all(p["score"] is None for p in plan["items"] if p["shift"] is None)


async def test_a_worker_without_the_certificate_is_never_put_on_a_welding_shift(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    weld = await gig(feed, "电焊工", today(8, headcount=3), certificates=["welder"])
    await register(client, token, "welder", desired_text="电焊工", certificates=["焊工证"])
    await register(client, token, "loader", desired_text="电焊工")
    await tick(client, staff, "loader", "welder")
    on = assigned(await propose(client, staff))
    assert on == {"welder": weld["shifts"][0]["id"], "loader": None}


async def test_staff_swap_two_workers_with_a_reason_and_the_swap_is_recorded(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    a = (await gig(feed, "仓库装卸工", today(8, headcount=1)))["shifts"][0]["id"]
    b = (await gig(feed, "仓库搬运工", today(9, headcount=1)))["shifts"][0]["id"]
    plan = await morning_plan(client, token, staff, "w-1", "w-2")
    on = assigned(plan)
    one_on, other = ("w-1", "w-2") if on["w-1"] == a else ("w-2", "w-1")
    response = await client.post(
        f"/v1/dispatch/plans/{plan['id']}/swaps",
        json={"seeker_id": one_on, "shift_id": b, "swap_with": other, "reason": "他家离9点的活更近"},
        headers=staff,
    )
    assert response.status_code == 200, response.text
    swapped = response.json()
    assert assigned(swapped) == {one_on: b, other: a}
    assert all(p["swapped"] for p in swapped["items"])
    assert [(s["seeker_id"], s["reason"]) for s in swapped["swaps"]] == [(one_on, "他家离9点的活更近")]


async def test_a_swap_onto_a_shift_whose_places_are_all_given_needs_someone_to_swap_with(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    only = (await gig(feed, "仓库装卸工", today(8, headcount=1)))["shifts"][0]["id"]
    plan = await morning_plan(client, token, staff, "w-1", "w-2")
    idle = next(w for w, s in assigned(plan).items() if s is None)
    response = await client.post(
        f"/v1/dispatch/plans/{plan['id']}/swaps",
        json={"seeker_id": idle, "shift_id": only, "reason": "试试"},
        headers=staff,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "no_free_place"


async def test_a_swap_that_breaks_a_hard_rule_is_refused(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    weld = (await gig(feed, "电焊工", today(8, headcount=2), certificates=["welder"]))["shifts"][0]["id"]
    await register(client, token, "welder", desired_text="电焊工", certificates=["焊工证"])
    await register(client, token, "loader", desired_text="电焊工")
    await tick(client, staff, "welder", "loader")
    plan = await propose(client, staff)
    response = await client.post(
        f"/v1/dispatch/plans/{plan['id']}/swaps",
        json={"seeker_id": "loader", "shift_id": weld, "reason": "缺人"},
        headers=staff,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "ineligible_pair"


async def test_a_plan_is_found_only_by_staff_of_its_station(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    await gig(feed)
    plan = await morning_plan(client, token, staff, "w-1")
    mine = await client.get(f"/v1/dispatch/plans/{plan['id']}", headers=staff)
    theirs = await client.get(
        f"/v1/dispatch/plans/{plan['id']}", headers=token("staff", "s-9", station="elsewhere")
    )
    assert mine.status_code == 200
    assert mine.json() == plan
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "dispatch_plan_not_found"


async def test_with_nobody_checked_in_there_is_nothing_to_assign(
    client: httpx.AsyncClient, staff: dict[str, str], feed: Feed
) -> None:
    await gig(feed)
    response = await client.post("/v1/dispatch/plans", headers=staff)
    assert response.status_code == 409
    assert response.json()["code"] == "nobody_checked_in"


async def test_a_swap_without_a_reason_or_with_unknown_fields_is_refused_at_the_edge(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    await gig(feed)
    plan = await morning_plan(client, token, staff, "w-1")
    url = f"/v1/dispatch/plans/{plan['id']}/swaps"
    bodies = [
        {"seeker_id": "w-1", "shift_id": None},
        {"seeker_id": "w-1", "shift_id": None, "reason": "x\u0000y"},
        {"seeker_id": "w-1", "shift_id": None, "reason": "好的理由", "force": True},
    ]
    for body in bodies:
        response = await client.post(url, json=body, headers=staff)
        assert response.status_code == 422, body


async def test_mutated_bodies_never_cause_a_500(
    app: FastAPI, client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    spec = app.openapi()["components"]["schemas"]
    await gig(feed)
    plan = await morning_plan(client, token, staff, "seeker-1")
    rng = random.Random(20261206)
    targets = [
        ("/v1/dispatch/checkins", spec["CheckinCreate"]["examples"][0]),
        (f"/v1/dispatch/plans/{plan['id']}/swaps", spec["SwapCreate"]["examples"][0]),
    ]
    for url, example in targets:
        for _ in range(40):
            body = mutate(example, rng)
            response = await client.post(url, json=body, headers=staff)
            assert response.status_code < 500, (url, body, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"
