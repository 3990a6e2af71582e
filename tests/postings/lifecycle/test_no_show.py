from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx

from services.kit.clock import ManualClock
from tests.postings.lifecycle.conftest import registered
from tests.postings.lifecycle.factories import book, booked, engagement, geo, open_gig, shift_filled, step

Token = Callable[..., dict[str, str]]
Sweep = Callable[[], Awaitable[dict[str, int]]]


async def test_no_check_in_by_the_grace_period_is_a_no_show_and_the_slot_goes_to_the_oldest_request(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), booking="review")
    requests = {}
    for seeker in ("a", "b", "c"):
        requests[seeker] = (await book(client, token("seeker", seeker), gig.shift_id)).json()["application"]
        clock.advance(timedelta(minutes=1))
    accepted = await client.post(f"/v1/applications/{requests['a']['id']}/accept", headers=boss)
    absent = accepted.json()["engagement_id"]

    clock.set(gig.starts_at + timedelta(minutes=19))
    assert (await sweep())["no_show"] == 0
    clock.set(gig.starts_at + timedelta(minutes=20, seconds=1))
    counts = await sweep()

    assert counts["no_show"] == 1
    missed = await engagement(client, boss, absent)
    assert (missed["status"], missed["worker_mark"]) == ("no_show", "no_show")
    offered = await client.get(f"/v1/applications/{requests['b']['id']}", headers=token("seeker", "b"))
    assert (offered.json()["status"], offered.json()["decided_by"]) == ("accepted", "system")
    replacement = await engagement(client, token("seeker", "b"), offered.json()["engagement_id"])
    assert (replacement["status"], replacement["via_offer"]) == ("booked", True)
    still_waiting = await client.get(f"/v1/applications/{requests['c']['id']}", headers=token("seeker", "c"))
    assert still_waiting.json()["status"] == "applied"
    assert await shift_filled(client, boss, gig) == 1
    inbox = await client.get(
        "/v1/notifications", params={"type": "slot_offered"}, headers=token("seeker", "b")
    )
    assert [n["subject_id"] for n in inbox.json()["items"]] == [replacement["id"]]


async def test_the_offered_worker_has_time_to_come_and_checks_in(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), booking="review")
    first = (await book(client, token("seeker", "a"), gig.shift_id)).json()["application"]
    second = (await book(client, token("seeker", "b"), gig.shift_id)).json()["application"]
    await client.post(f"/v1/applications/{first['id']}/accept", headers=boss)
    clock.set(gig.starts_at + timedelta(minutes=21))
    await sweep()
    replacement = (await client.get(f"/v1/applications/{second['id']}", headers=boss)).json()["engagement_id"]

    clock.advance(timedelta(minutes=45))
    checked_in = await step(client, token("seeker", "b"), replacement, "check-in", **geo())

    assert checked_in.status_code == 200, checked_in.text


async def test_an_offered_worker_who_does_not_come_gets_no_mark(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), booking="review")
    first = (await book(client, token("seeker", "a"), gig.shift_id)).json()["application"]
    second = (await book(client, token("seeker", "b"), gig.shift_id)).json()["application"]
    await client.post(f"/v1/applications/{first['id']}/accept", headers=boss)
    clock.set(gig.starts_at + timedelta(minutes=21))
    await sweep()
    replacement = (await client.get(f"/v1/applications/{second['id']}", headers=boss)).json()["engagement_id"]

    clock.advance(timedelta(minutes=61))
    await sweep()

    seen = await engagement(client, boss, replacement)
    assert (seen["status"], seen["worker_mark"]) == ("no_show", None)
    assert await shift_filled(client, boss, gig) == 0


async def test_a_no_show_on_an_instant_shift_gives_the_slot_back(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), headcount=2)
    absent = await booked(client, token("seeker", "a"), gig.shift_id)
    present = await booked(client, token("seeker", "b"), gig.shift_id)
    clock.set(gig.starts_at)
    await step(client, token("seeker", "b"), present["id"], "check-in", **geo())
    clock.set(gig.starts_at + timedelta(minutes=25))

    await sweep()

    assert (await engagement(client, boss, absent["id"]))["status"] == "no_show"
    assert (await engagement(client, boss, present["id"]))["status"] == "checked_in"
    assert await shift_filled(client, boss, gig) == 1


async def _no_show(client: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep) -> None:
    """Worker "a" booked a shift of employer "boss" and did not come."""
    gig = await open_gig(client, token("employer", "boss"), clock.now())
    await booked(client, token("seeker", "a"), gig.shift_id)
    clock.set(gig.starts_at + timedelta(minutes=25))
    await sweep()


async def _record_as(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.get("/v1/workers/a/reliability", headers=headers)


async def test_a_no_show_counts_in_the_record_the_worker_their_staff_and_their_employer_see(
    client: httpx.AsyncClient, matching: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep
) -> None:
    staff = token("staff", "c1", station="st-lixia")
    await registered(matching, staff, "a")
    await _no_show(client, token, clock, sweep)

    own = await _record_as(client, token("seeker", "a"))
    staffs = await _record_as(client, staff)
    employers = await _record_as(client, token("employer", "boss"))

    assert (own.json()["no_shows"], own.json()["show_up_rate"]) == (1, 0.0)
    assert own.json()["reasons"][1] == {"zh": "未到岗1次", "en": "1 no-shows"}
    assert own.json() == staffs.json() | {"computed_at": own.json()["computed_at"]}
    assert own.json() == employers.json() | {"computed_at": own.json()["computed_at"]}


async def test_a_workers_record_is_404_to_staff_who_do_not_reach_them_and_to_other_parties(
    client: httpx.AsyncClient, matching: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep
) -> None:
    await registered(matching, token("staff", "c1", station="st-lixia"), "a")
    await _no_show(client, token, clock, sweep)

    far_staff = await _record_as(client, token("staff", "c9", station="st-shinan", county="370202"))
    other = await _record_as(client, token("seeker", "b"))
    rival = await _record_as(client, token("employer", "rival"))

    assert [r.status_code for r in (far_staff, other, rival)] == [404, 404, 404]
    assert {r.json()["code"] for r in (far_staff, other, rival)} == {"worker_not_found"}


async def test_pending_requests_are_declined_when_the_shift_ends(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), booking="review")
    request = (await book(client, token("seeker", "a"), gig.shift_id)).json()["application"]
    clock.set(gig.starts_at + timedelta(hours=5))

    counts = await sweep()

    seen = (await client.get(f"/v1/applications/{request['id']}", headers=token("seeker", "a"))).json()
    assert counts["requests_closed"] == 1
    assert (seen["status"], seen["decided_by"], seen["decision_reason"]) == (
        "rejected",
        "system",
        "shift ended",
    )
