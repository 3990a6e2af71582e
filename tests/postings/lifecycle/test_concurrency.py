"""No double booking, ever: real concurrency through the API against the real database."""

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.postings.config import PostingsSettings
from tests.postings.lifecycle.factories import book, booked, open_gig, stored_engagements, stored_seats

Token = Callable[..., dict[str, str]]


@pytest.fixture
def postings_settings(postings_settings: PostingsSettings) -> PostingsSettings:
    """These tests prove the database's answer to a burst; back-pressure, which answers most of a burst of
    200 with 503 on purpose, is proven on its own in tests/kit/test_load_shedding.py."""
    return postings_settings.model_copy(
        update={"load_shedding": postings_settings.load_shedding.model_copy(update={"enabled": False})}
    )


async def test_two_hundred_concurrent_bookings_of_the_last_slot_give_it_to_exactly_one(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), headcount=1)

    responses = await asyncio.gather(
        *(book(client, token("seeker", f"s{i}"), gig.shift_id) for i in range(200))
    )

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 199}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"shift_full"}
    assert await stored_engagements(app, gig.shift_id) == 1
    assert await stored_seats(app, gig.shift_id) == (1, 1)


async def test_a_five_slot_shift_fills_with_exactly_five_twenty_times_over(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), headcount=5, shifts=20)

    for round_, shift in enumerate(gig.shifts):
        responses = await asyncio.gather(
            *(book(client, token("seeker", f"r{round_}-s{i}"), shift["id"]) for i in range(12))
        )
        statuses = Counter(r.status_code for r in responses)
        assert statuses == {201: 5, 409: 7}, (round_, statuses)
        assert await stored_seats(app, shift["id"]) == (5, 5)


async def test_one_worker_booking_twenty_overlapping_shifts_at_once_gets_one(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(
        client, token("employer", "boss"), clock.now(), headcount=3, shifts=20, gap=timedelta(minutes=10)
    )
    worker = token("seeker", "busy-bee")

    responses = await asyncio.gather(*(book(client, worker, s["id"]) for s in gig.shifts))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 19}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"overlapping_booking"}
    mine = await client.get("/v1/engagements", params={"status": "booked"}, headers=worker)
    assert len(mine.json()["items"]) == 1


async def test_bookings_racing_cancellations_keep_the_count_equal_to_active_engagements(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), headcount=5, shifts=10)

    for round_, shift in enumerate(gig.shifts):
        holders = [token("seeker", f"r{round_}-h{i}") for i in range(5)]
        seats = [await booked(client, h, shift["id"]) for h in holders]
        cancels = [
            client.post(f"/v1/engagements/{seat['id']}/cancel", headers=h)
            for seat, h in zip(seats, holders, strict=True)
        ]
        bookings = [book(client, token("seeker", f"r{round_}-n{i}"), shift["id"]) for i in range(10)]
        interleaved = [c for pair in zip(bookings[:5], cancels, strict=True) for c in pair] + bookings[5:]
        responses = await asyncio.gather(*interleaved)

        assert all(r.status_code < 500 for r in responses), [
            r.text for r in responses if r.status_code >= 500
        ]
        cancelled = [r for r in responses if r.request.url.path.endswith("/cancel")]
        assert [r.status_code for r in cancelled] == [200] * 5
        won = sum(1 for r in responses if r.status_code == 201)
        filled, active = await stored_seats(app, shift["id"])
        assert filled == active == won, (round_, filled, active, won)
        assert active <= 5
