from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import pytest

from services.kit.clock import ManualClock
from tests.postings.lifecycle.factories import Gig, booked, geo, open_gig, step

Token = Callable[..., dict[str, str]]


@pytest.fixture
async def gig(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> Gig:
    return await open_gig(client, token("employer", "boss"), clock.now(), headcount=2)


async def test_check_in_and_out_inside_the_geofence_completes_the_shift(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at - timedelta(minutes=10))

    checked_in = await step(client, worker, taken["id"], "check-in", **geo(120))
    clock.set(gig.starts_at + timedelta(hours=4))
    checked_out = await step(client, worker, taken["id"], "check-out", **geo(30))

    assert checked_in.status_code == 200, checked_in.text
    assert checked_in.json()["status"] == "checked_in"
    assert checked_in.json()["checkin_method"] == "geo"
    assert 110 <= checked_in.json()["checkin_distance_m"] <= 130
    assert checked_out.json()["status"] == "completed"
    due = datetime.fromisoformat(checked_out.json()["confirm_due_at"])
    assert due == clock.now() + timedelta(hours=24)


async def test_check_in_outside_the_geofence_is_422(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at)

    response = await step(client, worker, taken["id"], "check-in", **geo(450))

    assert response.status_code == 422
    assert response.json()["code"] == "outside_geofence"
    assert response.json()["limit_m"] == 300
    assert 440 <= response.json()["distance_m"] <= 460


async def test_check_in_too_early_or_too_late_is_409(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)

    clock.set(gig.starts_at - timedelta(hours=2))
    early = await step(client, worker, taken["id"], "check-in", **geo())
    clock.set(gig.starts_at + timedelta(minutes=21))
    late = await step(client, worker, taken["id"], "check-in", **geo())

    assert (early.status_code, early.json()["code"]) == (409, "checkin_not_open")
    assert (late.status_code, late.json()["code"]) == (409, "checkin_closed")


async def test_check_out_before_check_in_is_409_with_the_current_status(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at)

    response = await step(client, worker, taken["id"], "check-out", **geo())

    assert response.status_code == 409
    assert response.json()["current_status"] == "booked"


async def test_only_the_worker_checks_in(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    taken = await booked(client, token("seeker", "s1"), gig.shift_id)
    clock.set(gig.starts_at)

    by_employer = await step(client, gig.boss, taken["id"], "check-in", **geo())

    assert by_employer.status_code == 403


async def test_a_worker_without_gps_checks_in_with_the_employers_code(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    too_soon = await client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=gig.boss)
    clock.set(gig.starts_at - timedelta(minutes=5))

    shown = await client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=gig.boss)
    checked_in = await step(client, worker, taken["id"], "check-in", method="code", code=shown.json()["code"])

    assert too_soon.status_code == 409
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "no-store"
    assert len(shown.json()["code"]) == 6
    assert checked_in.status_code == 200, checked_in.text
    assert checked_in.json()["checkin_method"] == "code"
    assert checked_in.json()["checkin_distance_m"] is None


async def test_the_code_rotates_and_an_old_one_expires(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at - timedelta(minutes=30))
    old = (await client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=gig.boss)).json()

    clock.set(gig.starts_at)
    new = (await client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=gig.boss)).json()
    stale = await step(client, worker, taken["id"], "check-in", method="code", code=old["code"])

    assert new["valid_from"] != old["valid_from"]
    if old["code"] != new["code"]:  # a one-in-a-million collision is no rotation failure
        assert stale.status_code == 422


async def test_another_employer_gets_no_code(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    clock.set(gig.starts_at)

    response = await client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=token("employer", "rival"))

    assert response.status_code == 404


async def test_the_sixth_wrong_code_within_fifteen_minutes_is_429(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at - timedelta(minutes=20))
    right = (await client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=gig.boss)).json()["code"]
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    answers = []
    for _ in range(5):
        answers.append(await step(client, worker, taken["id"], "check-in", method="code", code=wrong))
        clock.advance(timedelta(minutes=1))
    sixth = await step(client, worker, taken["id"], "check-in", method="code", code=wrong)
    even_right = await step(client, worker, taken["id"], "check-in", method="code", code=right)

    assert [a.status_code for a in answers] == [422] * 5
    assert [a.json()["attempts_left"] for a in answers] == [4, 3, 2, 1, 0]
    assert sixth.status_code == 429
    assert sixth.json()["code"] == "too_many_code_attempts"
    assert int(sixth.headers["Retry-After"]) == 10 * 60  # when the first failure leaves the window
    assert even_right.status_code == 429

    clock.advance(timedelta(minutes=10))
    fresh = (await client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=gig.boss)).json()["code"]
    after = await step(client, worker, taken["id"], "check-in", method="code", code=fresh)
    assert after.status_code == 200, after.text


async def test_wrong_codes_are_counted_per_engagement(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    one, two = token("seeker", "s1"), token("seeker", "s2")
    first = await booked(client, one, gig.shift_id)
    second = await booked(client, two, gig.shift_id)
    clock.set(gig.starts_at - timedelta(minutes=5))
    right = (await client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=gig.boss)).json()["code"]
    wrong = f"{(int(right) + 7) % 1_000_000:06d}"
    for _ in range(6):
        await step(client, one, first["id"], "check-in", method="code", code=wrong)

    other = await step(client, two, second["id"], "check-in", method="code", code=right)

    assert other.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"method": "geo", "lat": 36.6},
        {"method": "code", "code": "12345"},
        {"method": "code", "code": "12345a"},
        {"method": "geo", "lat": 95, "lng": 117},
        {"method": "wifi"},
        {"method": "code", "code": "123456", "lat": 36.6, "lng": 117.0},
    ],
)
async def test_malformed_presence_is_422(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig, body: dict[str, object]
) -> None:
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at)

    response = await client.post(f"/v1/engagements/{taken['id']}/check-in", json=body, headers=worker)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


async def test_a_retried_check_in_with_its_key_is_replayed_not_refused(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1") | {"Idempotency-Key": "ci-1"}
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at)
    url = f"/v1/engagements/{taken['id']}/check-in"

    first = await client.post(url, json=geo(), headers=worker)
    again = await client.post(url, json=geo(), headers=worker)

    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
