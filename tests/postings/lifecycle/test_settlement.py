from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import httpx
import pytest

from services.kit.clock import ManualClock
from tests.postings.lifecycle.conftest import HOME_COUNTY, OTHER_COUNTY
from tests.postings.lifecycle.factories import Gig, engagement, feed, open_gig, step, worked

Token = Callable[..., dict[str, str]]
Sweep = Callable[[], Awaitable[dict[str, int]]]
StaffToken = Callable[[str, str], dict[str, str]]


@pytest.fixture
async def gig(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> Gig:
    return await open_gig(client, token("employer", "boss"), clock.now())


async def _confirmed(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig, **confirmation: str
) -> dict[str, object]:
    done = await worked(client, token("seeker", "s1"), gig, clock)
    response = await step(client, gig.boss, str(done["id"]), "confirm", **confirmation)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_employer_confirms_hours_and_amount_and_the_worker_confirms_paid(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    confirmed = await _confirmed(client, token, clock, gig, hours="3.5", amount="90.00")
    paid = await step(client, token("seeker", "s1"), str(confirmed["id"]), "paid")

    assert (confirmed["status"], confirmed["confirmed_by"]) == ("confirmed", "employer")
    assert (confirmed["hours"], confirmed["amount_due"]) == ("3.50", "90.00")
    assert datetime.fromisoformat(str(confirmed["payment_due_at"])) == clock.now() + timedelta(hours=24)
    assert paid.status_code == 200
    assert paid.json()["status"] == "paid"
    record = await client.get(f"/v1/employers/{gig.employer_id}/reliability", headers=token("seeker", "s9"))
    assert record.json()["paid_on_time"] == 1
    assert record.json()["paid_on_time_rate"] == 1.0
    assert record.json()["reasons"][0]["en"] == "1 of 1 wages confirmed paid on time by the worker"


async def test_confirming_hours_only_pays_them_at_the_booked_rate(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    confirmed = await _confirmed(client, token, clock, gig, hours="3")

    assert confirmed["amount_due"] == "75.00"


async def test_every_step_goes_into_the_feed_in_order(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    confirmed = await _confirmed(client, token, clock, gig)
    await step(client, token("seeker", "s1"), str(confirmed["id"]), "paid")

    events = await feed(client, token("service", "matching"), "engagement.")

    assert [e["type"] for e in events] == [
        "engagement.booked",
        "engagement.checked_in",
        "engagement.completed",
        "engagement.confirmed",
        "engagement.paid",
    ]
    assert [e["data"]["version"] for e in events] == [1, 2, 3, 4, 5]


async def test_unconfirmed_work_is_confirmed_as_booked_after_a_day(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig, sweep: Sweep
) -> None:
    done = await worked(client, token("seeker", "s1"), gig, clock)
    clock.advance(timedelta(hours=23))
    assert (await sweep())["auto_confirm"] == 0
    clock.advance(timedelta(hours=1))

    counts = await sweep()

    assert counts["auto_confirm"] == 1
    seen = await engagement(client, gig.boss, str(done["id"]))
    assert (seen["status"], seen["confirmed_by"]) == ("confirmed", "auto")
    assert (seen["hours"], seen["amount_due"]) == ("4.00", "100.00")
    late = await step(client, gig.boss, str(done["id"]), "confirm", hours="2")
    assert (late.status_code, late.json()["current_status"]) == (409, "confirmed")


async def test_confirming_after_the_window_but_before_the_sweep_is_409(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    done = await worked(client, token("seeker", "s1"), gig, clock)
    clock.advance(timedelta(hours=25))

    response = await step(client, gig.boss, str(done["id"]), "confirm", hours="2")

    assert (response.status_code, response.json()["code"]) == (409, "confirmation_closed")


async def test_a_forgotten_check_out_completes_two_hours_after_the_end(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig, sweep: Sweep
) -> None:
    worker = token("seeker", "s1")
    taken = (await client.post(f"/v1/shifts/{gig.shift_id}/bookings", headers=worker)).json()["engagement"]
    clock.set(gig.starts_at)
    await step(client, worker, taken["id"], "check-in", method="geo", lat=36.6665, lng=117.0764)
    clock.set(gig.starts_at + timedelta(hours=6))

    counts = await sweep()

    seen = await engagement(client, worker, taken["id"])
    assert counts["auto_checkout"] == 1
    assert (seen["status"], seen["checkout_method"]) == ("completed", "auto")


async def test_not_paid_after_the_due_date_opens_a_dispute_for_the_countys_staff(
    client: httpx.AsyncClient,
    token: Token,
    county_staff: StaffToken,
    clock: ManualClock,
    gig: Gig,
) -> None:
    confirmed = await _confirmed(client, token, clock, gig)
    clock.advance(timedelta(hours=25))

    reported = await step(
        client, token("seeker", "s1"), str(confirmed["id"]), "not-paid", note="老板说下周再给"
    )

    assert reported.status_code == 200, reported.text
    assert reported.json()["status"] == "disputed"
    home = await client.get("/v1/disputes", headers=token("staff", "clerk-1", station="st-lixia"))
    by_claim = await client.get("/v1/disputes", headers=county_staff("clerk-2", HOME_COUNTY))
    away = await client.get("/v1/disputes", headers=county_staff("clerk-3", OTHER_COUNTY))
    [dispute] = home.json()["items"]
    assert (dispute["engagement_id"], dispute["status"], dispute["amount_due"]) == (
        confirmed["id"],
        "open",
        "100.00",
    )
    assert dispute["note"] == "老板说下周再给"
    assert [d["id"] for d in by_claim.json()["items"]] == [dispute["id"]]
    assert away.json()["items"] == []
    far = await client.get(f"/v1/disputes/{dispute['id']}", headers=county_staff("clerk-3", OTHER_COUNTY))
    assert far.status_code == 404


async def test_a_dispute_shows_in_the_employers_reliability_and_the_feed(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    confirmed = await _confirmed(client, token, clock, gig)
    clock.advance(timedelta(hours=25))
    await step(client, token("seeker", "s1"), str(confirmed["id"]), "not-paid")

    record = (await client.get(f"/v1/employers/{gig.employer_id}/reliability", headers=gig.boss)).json()
    published = (await feed(client, token("service", "matching"), "reliability.employer"))[-1]

    assert (record["disputes"], record["disputes_open"], record["unpaid_disputed"]) == (1, 1, 1)
    assert record["paid_on_time_rate"] == 0.0
    assert any(r["zh"] == "欠薪争议1起，其中未解决1起" for r in record["reasons"])
    assert published["aggregate_id"] == gig.employer_id
    assert published["data"]["disputes"] == 1


async def test_a_report_before_the_due_date_becomes_a_dispute_when_it_passes_unpaid(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig, sweep: Sweep
) -> None:
    confirmed = await _confirmed(client, token, clock, gig)
    early = await step(client, token("seeker", "s1"), str(confirmed["id"]), "not-paid")
    assert early.json()["status"] == "confirmed"
    assert early.json()["not_paid_reported_at"] is not None

    clock.advance(timedelta(hours=24))
    counts = await sweep()

    assert counts["dispute"] == 1
    assert (await engagement(client, gig.boss, str(confirmed["id"])))["status"] == "disputed"


async def test_paid_after_a_dispute_settles_it_and_is_counted_as_late(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    confirmed = await _confirmed(client, token, clock, gig)
    clock.advance(timedelta(hours=25))
    worker = token("seeker", "s1")
    await step(client, worker, str(confirmed["id"]), "not-paid")

    paid = await step(client, worker, str(confirmed["id"]), "paid")

    assert paid.json()["status"] == "paid"
    [dispute] = (await client.get("/v1/disputes", headers=worker)).json()["items"]
    assert (dispute["status"], dispute["resolution"]) == ("resolved", "paid")
    record = (await client.get(f"/v1/employers/{gig.employer_id}/reliability", headers=worker)).json()
    assert (record["paid_on_time"], record["paid_after_dispute"], record["disputes_open"]) == (0, 1, 0)


async def test_staff_find_a_dispute_unfounded_and_it_is_not_counted(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    confirmed = await _confirmed(client, token, clock, gig)
    clock.advance(timedelta(hours=25))
    await step(client, token("seeker", "s1"), str(confirmed["id"]), "not-paid")
    staff = token("staff", "clerk-1", station="st-lixia")
    [dispute] = (await client.get("/v1/disputes", headers=staff)).json()["items"]

    resolved = await client.post(
        f"/v1/disputes/{dispute['id']}/resolve",
        json={"resolution": "unfounded", "note": "有转账记录"},
        headers=staff,
    )
    again = await client.post(
        f"/v1/disputes/{dispute['id']}/resolve", json={"resolution": "paid"}, headers=staff
    )

    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["resolution"], resolved.json()["resolved_by"]) == ("unfounded", "clerk-1")
    assert (again.status_code, again.json()["current_status"]) == (409, "resolved")
    assert (await engagement(client, staff, str(confirmed["id"])))["status"] == "paid"
    record = (await client.get(f"/v1/employers/{gig.employer_id}/reliability", headers=staff)).json()
    assert (record["disputes"], record["paid_on_time"]) == (0, 1)


async def test_paying_steps_out_of_order_are_409(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    done = await worked(client, token("seeker", "s1"), gig, clock)

    paid_too_soon = await step(client, token("seeker", "s1"), str(done["id"]), "paid")
    not_paid_too_soon = await step(client, token("seeker", "s1"), str(done["id"]), "not-paid")

    for response in (paid_too_soon, not_paid_too_soon):
        assert response.status_code == 409
        assert response.json()["current_status"] == "completed"


async def test_only_the_employer_confirms_and_only_the_worker_side_reports_payment(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    done = await worked(client, token("seeker", "s1"), gig, clock)

    by_worker = await step(client, token("seeker", "s1"), str(done["id"]), "confirm")
    await step(client, gig.boss, str(done["id"]), "confirm")
    by_employer = await step(client, gig.boss, str(done["id"]), "paid")

    assert by_worker.status_code == 403
    assert by_employer.status_code == 403


@pytest.mark.parametrize("body", [{"hours": "0"}, {"hours": "25"}, {"amount": "-1"}, {"amount": "1.005"}])
async def test_confirmation_out_of_bounds_is_422(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig, body: dict[str, str]
) -> None:
    done = await worked(client, token("seeker", "s1"), gig, clock)

    response = await step(client, gig.boss, str(done["id"]), "confirm", **body)

    assert response.status_code == 422
