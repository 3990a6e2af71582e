from collections.abc import Callable
from datetime import timedelta

import httpx

from services.kit.clock import ManualClock
from tests.postings.lifecycle.conftest import registered
from tests.postings.lifecycle.factories import book, booked, engagement, open_gig, shift_filled, step

Token = Callable[..., dict[str, str]]


async def _record(client: httpx.AsyncClient, headers: dict[str, str], sub: str) -> dict[str, object]:
    response = await client.get(f"/v1/workers/{sub}/reliability", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_an_employer_cancelling_inside_24_hours_owes_cancellation_pay(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), starts_in=timedelta(hours=10), hours=6)
    taken = await booked(client, token("seeker", "s1"), gig.shift_id)

    cancelled = await step(client, boss, taken["id"], "cancel", reason="订单取消")

    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert (body["status"], body["late_cancel"], body["cancel_reason"]) == (
        "cancelled_by_employer",
        True,
        "订单取消",
    )
    assert body["amount_due"] == "100.00"  # 4 configured hours at 25 an hour
    assert body["payment_due_at"] is not None
    assert await shift_filled(client, boss, gig) == 0
    record = (await client.get(f"/v1/employers/{gig.employer_id}/reliability", headers=boss)).json()
    assert record["late_cancellations"] == 1


async def test_an_employer_cancelling_with_notice_owes_nothing(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), starts_in=timedelta(days=3))
    taken = await booked(client, token("seeker", "s1"), gig.shift_id)

    cancelled = await step(client, boss, taken["id"], "cancel")

    assert (cancelled.json()["late_cancel"], cancelled.json()["amount_due"]) == (False, None)


async def test_the_worker_confirms_the_cancellation_pay_or_disputes_it(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), starts_in=timedelta(hours=10))
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    await step(client, boss, taken["id"], "cancel")
    clock.advance(timedelta(hours=25))

    reported = await step(client, worker, taken["id"], "not-paid")

    assert reported.json()["status"] == "cancelled_by_employer"
    [dispute] = (await client.get("/v1/disputes", headers=worker)).json()["items"]
    assert (dispute["kind"], dispute["amount_due"]) == ("cancellation_pay", "100.00")
    paid = await step(client, worker, taken["id"], "paid")
    assert paid.json()["paid_at"] is not None


async def test_a_late_worker_cancellation_is_marked_and_an_upheld_appeal_removes_the_mark(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), starts_in=timedelta(hours=5))
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)

    cancelled = await step(client, worker, taken["id"], "cancel", reason="孩子发烧")
    assert (cancelled.json()["status"], cancelled.json()["worker_mark"]) == (
        "cancelled_by_worker",
        "late_cancel",
    )
    assert (await _record(client, worker, "s1"))["late_cancellations"] == 1

    appealed = await client.post(
        f"/v1/engagements/{taken['id']}/appeal", json={"reason": "孩子半夜高烧送医，有病历"}, headers=worker
    )
    staff = token("staff", "clerk-1", station="st-lixia")
    queue = await client.get("/v1/appeals", params={"status": "pending"}, headers=staff)
    upheld = await client.post(
        f"/v1/appeals/{appealed.json()['id']}/uphold", json={"note": "已核实病历"}, headers=staff
    )

    assert appealed.status_code == 201, appealed.text
    assert [a["id"] for a in queue.json()["items"]] == [appealed.json()["id"]]
    assert upheld.status_code == 200, upheld.text
    assert (upheld.json()["status"], upheld.json()["decided_by"]) == ("upheld", "clerk-1")
    assert (await engagement(client, worker, taken["id"]))["mark_removed_at"] is not None
    record = await _record(client, worker, "s1")
    assert (record["late_cancellations"], record["appeals_upheld"]) == (0, 1)


async def test_a_rejected_appeal_keeps_the_mark_and_a_second_appeal_is_409(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), starts_in=timedelta(hours=5))
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    await step(client, worker, taken["id"], "cancel")
    appealed = await client.post(
        f"/v1/engagements/{taken['id']}/appeal", json={"reason": "忘了"}, headers=worker
    )

    rejected = await client.post(
        f"/v1/appeals/{appealed.json()['id']}/reject", headers=token("staff", "c1", station="st-lixia")
    )
    again = await client.post(
        f"/v1/engagements/{taken['id']}/appeal", json={"reason": "再试"}, headers=worker
    )

    assert rejected.json()["status"] == "rejected"
    assert (again.status_code, again.json()["code"]) == (409, "already_appealed")
    assert (await _record(client, worker, "s1"))["late_cancellations"] == 1


async def test_only_staff_of_the_county_decide_appeals(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), starts_in=timedelta(hours=5))
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    await step(client, worker, taken["id"], "cancel")
    appeal_id = (
        await client.post(f"/v1/engagements/{taken['id']}/appeal", json={"reason": "急事"}, headers=worker)
    ).json()["id"]

    by_worker = await client.post(f"/v1/appeals/{appeal_id}/uphold", headers=worker)
    by_far_staff = await client.post(
        f"/v1/appeals/{appeal_id}/uphold", headers=token("staff", "c9", station="st-shinan")
    )
    by_employer = await client.get(f"/v1/appeals/{appeal_id}", headers=token("employer", "boss"))

    assert by_worker.status_code == 403
    assert by_far_staff.status_code == 404
    assert by_employer.status_code == 404


async def test_cancelling_with_notice_leaves_no_mark_and_nothing_to_appeal(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), starts_in=timedelta(days=2))
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)

    cancelled = await step(client, worker, taken["id"], "cancel")
    appealed = await client.post(
        f"/v1/engagements/{taken['id']}/appeal", json={"reason": "x"}, headers=worker
    )

    assert (cancelled.json()["late_cancel"], cancelled.json()["worker_mark"]) == (False, None)
    assert (appealed.status_code, appealed.json()["code"]) == (409, "no_mark_to_appeal")


async def test_cancelling_twice_is_409_and_the_slot_is_freed_once(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), headcount=2)
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    await booked(client, token("seeker", "s2"), gig.shift_id)

    first = await step(client, worker, taken["id"], "cancel")
    second = await step(client, worker, taken["id"], "cancel")

    assert first.status_code == 200
    assert (second.status_code, second.json()["current_status"]) == (409, "cancelled_by_worker")
    assert await shift_filled(client, boss, gig) == 1


async def test_staff_cancel_for_a_seeker_as_a_worker_cancellation(
    client: httpx.AsyncClient, matching: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())
    staff = token("staff", "clerk-1", station="st-lixia")
    await registered(matching, staff, "s-old-wang")
    taken = (await book(client, staff, gig.shift_id, seeker_id="s-old-wang")).json()["engagement"]

    cancelled = await step(client, staff, taken["id"], "cancel", reason="老人电话告知来不了")

    assert cancelled.json()["status"] == "cancelled_by_worker"


async def test_the_employer_calls_a_shift_off(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), headcount=3, starts_in=timedelta(hours=8))
    seats = [await booked(client, token("seeker", f"s{i}"), gig.shift_id) for i in range(2)]

    called_off = await client.post(
        f"/v1/shifts/{gig.shift_id}/cancel", json={"reason": "暴雨停工"}, headers=boss
    )
    again = await client.post(f"/v1/shifts/{gig.shift_id}/cancel", headers=boss)
    late_booking = await book(client, token("seeker", "s9"), gig.shift_id)

    assert called_off.status_code == 200, called_off.text
    assert (called_off.json()["status"], called_off.json()["filled"]) == ("cancelled", 0)
    for seat in seats:
        seen = await engagement(client, boss, seat["id"])
        assert (seen["status"], seen["late_cancel"], seen["amount_due"]) == (
            "cancelled_by_employer",
            True,
            "100.00",
        )
    assert (again.status_code, again.json()["current_status"]) == (409, "cancelled")
    assert (late_booking.status_code, late_booking.json()["code"]) == (409, "shift_not_open")
