from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.postings.lifecycle.conftest import registered
from tests.postings.lifecycle.factories import (
    book,
    booked,
    feed,
    open_gig,
    shift_filled,
    stored_seats,
)

Token = Callable[..., dict[str, str]]


async def test_instant_shift_is_booked_at_once_and_the_slot_counted(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), headcount=2)

    response = await book(client, token("seeker", "s1"), gig.shift_id)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["outcome"] == "booked"
    assert body["engagement"]["status"] == "booked"
    assert body["engagement"]["seeker_id"] == "s1"
    assert body["engagement"]["booked_amount"] == "100.00"
    assert response.headers["Location"] == f"/v1/engagements/{body['engagement']['id']}"
    assert await shift_filled(client, boss, gig) == 1
    assert await stored_seats(app, gig.shift_id) == (1, 1)


async def test_booking_goes_into_the_feed_with_the_shifts_new_count(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())

    await booked(client, token("seeker", "s1"), gig.shift_id)

    events = await feed(client, token("service", "matching"))
    types = [e["type"] for e in events]
    assert types[-2:] == ["shift.updated", "engagement.booked"]
    assert events[-2]["data"]["filled"] == 1
    assert events[-1]["data"]["shift_id"] == gig.shift_id


async def test_a_full_shift_is_409(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())
    await booked(client, token("seeker", "s1"), gig.shift_id)

    response = await book(client, token("seeker", "s2"), gig.shift_id)

    assert response.status_code == 409
    assert response.json()["code"] == "shift_full"


@pytest.mark.parametrize("action", ["pause", "close"])
async def test_booking_a_paused_or_closed_posting_is_409(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, action: str
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now())
    changed = await client.post(
        f"/v1/postings/{gig.posting_id}/{action}", headers=boss | {"If-Match": gig.etag}
    )
    assert changed.status_code == 200

    response = await book(client, token("seeker", "s1"), gig.shift_id)

    assert response.status_code == 409
    assert response.json()["code"] == "posting_not_open"
    assert response.json()["current_status"] == changed.json()["status"]


async def test_booking_a_shift_that_has_started_is_409(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())
    clock.set(gig.starts_at + timedelta(minutes=1))

    response = await book(client, token("seeker", "s1"), gig.shift_id)

    assert response.status_code == 409
    assert response.json()["code"] == "shift_started"


async def test_booking_an_unknown_shift_is_404(client: httpx.AsyncClient, token: Token) -> None:
    response = await book(client, token("seeker", "s1"), "00000000-0000-4000-8000-000000000000")

    assert response.status_code == 404


async def test_review_shift_booking_waits_for_the_employer_who_accepts_it(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), booking="review")

    requested = await book(client, token("seeker", "s1"), gig.shift_id, note="会开叉车")
    assert requested.status_code == 202, requested.text
    application = requested.json()["application"]
    assert requested.json()["outcome"] == "requested"
    assert application["status"] == "applied"
    assert application["shift_id"] == gig.shift_id
    assert await shift_filled(client, boss, gig) == 0

    accepted = await client.post(f"/v1/applications/{application['id']}/accept", headers=boss)

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    engagement_id = accepted.json()["engagement_id"]
    seen = await client.get(f"/v1/engagements/{engagement_id}", headers=token("seeker", "s1"))
    assert seen.json()["status"] == "booked"
    assert seen.json()["application_id"] == application["id"]
    assert await shift_filled(client, boss, gig) == 1


async def test_asking_twice_for_a_review_shift_is_409(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), booking="review")
    await book(client, token("seeker", "s1"), gig.shift_id)

    again = await book(client, token("seeker", "s1"), gig.shift_id)

    assert again.status_code == 409
    assert again.json()["code"] == "already_applied"


async def test_one_worker_cannot_hold_two_overlapping_shifts(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    first = await open_gig(client, boss, clock.now())
    second = await open_gig(client, boss, clock.now(), starts_in=timedelta(days=2, hours=2))
    worker = token("seeker", "s1")
    taken = await booked(client, worker, first.shift_id)

    response = await book(client, worker, second.shift_id)

    assert response.status_code == 409
    assert response.json()["code"] == "overlapping_booking"
    assert response.json()["engagement_id"] == taken["id"]


async def test_booking_the_same_shift_twice_is_409(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), headcount=3)
    await booked(client, token("seeker", "s1"), gig.shift_id)

    again = await book(client, token("seeker", "s1"), gig.shift_id)

    assert again.status_code == 409
    assert again.json()["code"] == "already_booked"


async def test_a_retried_booking_with_its_key_replays_the_first_answer(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), headcount=3)
    keyed = token("seeker", "s1") | {"Idempotency-Key": "book-1"}

    first = await client.post(f"/v1/shifts/{gig.shift_id}/bookings", json={}, headers=keyed)
    again = await client.post(f"/v1/shifts/{gig.shift_id}/bookings", json={}, headers=keyed)

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await shift_filled(client, boss, gig) == 1


async def test_staff_book_for_a_seeker_and_the_station_is_recorded(
    client: httpx.AsyncClient, matching: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())
    staff = token("staff", "clerk-7", station="st-lixia")
    await registered(matching, staff, "s-old-wang")

    response = await book(client, staff, gig.shift_id, seeker_id="s-old-wang")

    assert response.status_code == 201, response.text
    engagement = response.json()["engagement"]
    assert engagement["seeker_id"] == "s-old-wang"
    assert (engagement["source"], engagement["station_id"], engagement["referred_by"]) == (
        "station",
        "st-lixia",
        "clerk-7",
    )
    mine = await client.get("/v1/engagements", headers=token("seeker", "s-old-wang"))
    assert [e["id"] for e in mine.json()["items"]] == [engagement["id"]]


async def test_staff_cannot_book_for_a_seeker_they_do_not_reach(
    client: httpx.AsyncClient, matching: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now())
    await registered(matching, token("staff", "clerk-7", station="st-lixia"), "s-old-wang")
    far_staff = token("staff", "clerk-9", station="st-shinan", county="370202")

    refused = await book(client, far_staff, gig.shift_id, seeker_id="s-old-wang")

    assert (refused.status_code, refused.json()["code"]) == (404, "seeker_not_found")
    assert await shift_filled(client, boss, gig) == 0


async def test_staff_booking_without_a_seeker_is_422_and_a_seeker_cannot_book_for_another(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())

    staff = await book(client, token("staff", "clerk-7", station="st-lixia"), gig.shift_id)
    other = await book(client, token("seeker", "s1"), gig.shift_id, seeker_id="s2")

    assert (staff.status_code, staff.json()["code"]) == (422, "seeker_id_required")
    assert (other.status_code, other.json()["code"]) == (403, "not_on_behalf")


async def test_employers_cannot_book(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())

    response = await book(client, token("employer", "boss"), gig.shift_id)

    assert response.status_code == 403


async def test_the_employer_sees_who_is_booked_and_nobody_else_does(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now(), headcount=3)
    for seeker in ("s1", "s2"):
        await booked(client, token("seeker", seeker), gig.shift_id)

    own = await client.get(f"/v1/shifts/{gig.shift_id}/engagements", headers=boss)
    rival = await client.get(f"/v1/shifts/{gig.shift_id}/engagements", headers=token("employer", "rival"))
    worker = await client.get(f"/v1/shifts/{gig.shift_id}/engagements", headers=token("seeker", "s1"))

    assert sorted(e["seeker_id"] for e in own.json()["items"]) == ["s1", "s2"]
    assert rival.json()["items"] == []
    assert [e["seeker_id"] for e in worker.json()["items"]] == ["s1"]


async def test_another_partys_engagement_is_404(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())
    taken = await booked(client, token("seeker", "s1"), gig.shift_id)
    url = f"/v1/engagements/{taken['id']}"

    other_seeker = await client.get(url, headers=token("seeker", "s2"))
    other_employer = await client.get(url, headers=token("employer", "rival"))
    far_staff = await client.get(url, headers=token("staff", "clerk-9", station="st-shinan"))
    cancel = await client.post(f"{url}/cancel", headers=token("seeker", "s2"))

    assert {r.status_code for r in (other_seeker, other_employer, far_staff, cancel)} == {404}
    assert other_seeker.json()["code"] == "engagement_not_found"
