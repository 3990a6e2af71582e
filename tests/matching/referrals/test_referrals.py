"""Referrals through the matching API, against a real postings app (no mocks of our code)."""

import asyncio

import httpx
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.matching.referrals.conftest import STATION, Token, matching_with, open_gig, open_job, walk_in
from tests.matching.seekers.conftest import seeker_body, staff_consent


async def test_staff_refer_a_seeker_to_a_job_and_the_application_names_the_station(
    matching: httpx.AsyncClient, postings: httpx.AsyncClient, staff: dict[str, str], owner: dict[str, str]
) -> None:
    seeker = await walk_in(matching, staff, "walk-in-1")
    posting = await open_job(postings, owner)

    response = await matching.post(
        f"/v1/seekers/{seeker}/referrals", json={"posting_id": posting, "note": "站点推荐"}, headers=staff
    )

    assert response.status_code == 201, response.text
    assert response.json()["outcome"] == "applied"
    assert response.json()["station_id"] == STATION
    applications = (await postings.get(f"/v1/postings/{posting}/applications", headers=owner)).json()["items"]
    assert [(a["seeker_id"], a["source"], a["station_id"]) for a in applications] == [
        (seeker, "station", STATION)
    ]


async def test_a_walk_in_from_elsewhere_opened_by_an_exact_lookup_is_referred(
    matching: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    staff: dict[str, str],
    owner: dict[str, str],
    token: Token,
) -> None:
    far = token("staff", "staff-far", station="st-far", county="370202")
    body = seeker_body(seeker_id="visitor-1", consent=staff_consent("matching"), phone="13912345678")
    assert (await matching.post("/v1/seekers", json=body, headers=far)).status_code == 201
    posting = await open_job(postings, owner)
    refer = {"posting_id": posting}

    before = await matching.post("/v1/seekers/visitor-1/referrals", json=refer, headers=staff)
    direct = await postings.post(
        f"/v1/postings/{posting}/applications", json={"seeker_id": "visitor-1"}, headers=staff
    )
    await matching.post("/v1/seekers/lookup", json={"phone": "13912345678"}, headers=staff)
    after = await matching.post("/v1/seekers/visitor-1/referrals", json=refer, headers=staff)

    assert (before.status_code, before.json()["code"]) == (404, "seeker_not_found")
    assert (direct.status_code, direct.json()["code"]) == (404, "seeker_not_found")
    assert after.status_code == 201, after.text
    assert after.json()["station_id"] == STATION


async def test_staff_book_a_gig_shift_for_a_seeker(
    matching: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    staff: dict[str, str],
    owner: dict[str, str],
    clock: ManualClock,
) -> None:
    seeker = await walk_in(matching, staff, "walk-in-1")
    shift = await open_gig(postings, owner, clock, slots=2)

    response = await matching.post(f"/v1/seekers/{seeker}/referrals", json={"shift_id": shift}, headers=staff)

    assert response.status_code == 201, response.text
    assert response.json()["outcome"] == "booked"
    assert response.json()["engagement_id"] is not None


async def test_a_double_submit_with_one_key_books_once_and_records_once(
    matching: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    staff: dict[str, str],
    owner: dict[str, str],
    clock: ManualClock,
) -> None:
    seeker = await walk_in(matching, staff, "walk-in-1")
    shift = await open_gig(postings, owner, clock, slots=2)
    headers = staff | {"Idempotency-Key": "click-1"}

    first, second = await asyncio.gather(
        *(
            matching.post(f"/v1/seekers/{seeker}/referrals", json={"shift_id": shift}, headers=headers)
            for _ in "ab"
        )
    )

    assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["engagement_id"] == second.json()["engagement_id"]
    listed = await matching.get(f"/v1/seekers/{seeker}/referrals", headers=staff)
    assert len(listed.json()) == 1
    engagements = (await postings.get("/v1/engagements", headers=owner)).json()["items"]
    assert len(engagements) == 1


async def test_a_full_shift_is_a_typed_refusal_and_nothing_is_recorded(
    matching: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    staff: dict[str, str],
    owner: dict[str, str],
    clock: ManualClock,
) -> None:
    first, second = await walk_in(matching, staff, "walk-in-1"), await walk_in(matching, staff, "walk-in-2")
    shift = await open_gig(postings, owner, clock, slots=1)
    taken = await matching.post(f"/v1/seekers/{first}/referrals", json={"shift_id": shift}, headers=staff)
    assert taken.status_code == 201, taken.text

    response = await matching.post(f"/v1/seekers/{second}/referrals", json={"shift_id": shift}, headers=staff)

    assert response.status_code == 409
    assert response.json()["code"] == "shift_full"
    assert response.json()["title_zh"] == "该班次名额已满"
    assert (await matching.get(f"/v1/seekers/{second}/referrals", headers=staff)).json() == []


async def test_a_postings_service_that_cannot_be_reached_is_a_503_and_nothing_is_recorded(
    matching_settings: MatchingSettings, clock: ManualClock, staff: dict[str, str]
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    app: FastAPI = matching_with(matching_settings, clock, httpx.MockTransport(refuse))
    async with LifespanApp(app) as running, client_for(running) as matching:
        seeker = await walk_in(matching, staff, "walk-in-1")
        body = {"posting_id": "8e0c7a52-5c1f-4a8e-9d3b-1f2e3d4c5b6a"}
        response = await matching.post(f"/v1/seekers/{seeker}/referrals", json=body, headers=staff)
        listed = await matching.get(f"/v1/seekers/{seeker}/referrals", headers=staff)

    assert response.status_code == 503
    assert response.json()["code"] == "postings_unreachable"
    assert listed.json() == []


async def test_a_referral_names_exactly_one_of_a_posting_or_a_shift(
    matching: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    seeker = await walk_in(matching, staff, "walk-in-1")

    response = await matching.post(f"/v1/seekers/{seeker}/referrals", json={}, headers=staff)

    assert response.status_code == 422


async def test_a_seeker_cannot_refer_themself_through_matching(
    matching: httpx.AsyncClient, staff: dict[str, str], token: Token
) -> None:
    seeker = await walk_in(matching, staff, "walk-in-1")
    body = {"posting_id": "8e0c7a52-5c1f-4a8e-9d3b-1f2e3d4c5b6a"}

    response = await matching.post(
        f"/v1/seekers/{seeker}/referrals", json=body, headers=token("seeker", seeker)
    )

    assert response.status_code == 403


class LosesFirstAnswer(httpx.AsyncBaseTransport):
    """Delivers every request to the postings app but drops the first answer (a timeout on the way back)."""

    def __init__(self, app: FastAPI) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self.keys: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        self.keys.append(request.headers.get("Idempotency-Key"))
        if len(self.keys) == 1:
            await response.aread()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


async def test_a_lost_answer_is_retried_with_the_same_key_and_books_once(
    matching_settings: MatchingSettings,
    clock: ManualClock,
    postings_app: FastAPI,
    postings: httpx.AsyncClient,
    staff: dict[str, str],
    owner: dict[str, str],
) -> None:
    transport = LosesFirstAnswer(postings_app)
    shift = await open_gig(postings, owner, clock, slots=2)
    app = matching_with(matching_settings, clock, transport)
    await ask_matching(postings_app, app)
    async with LifespanApp(app), client_for(app) as matching:
        seeker = await walk_in(matching, staff, "walk-in-1")
        response = await matching.post(
            f"/v1/seekers/{seeker}/referrals", json={"shift_id": shift}, headers=staff
        )

    assert response.status_code == 201, response.text
    assert len(transport.keys) == 2
    assert transport.keys[0] == transport.keys[1]
    engagements = (await postings.get("/v1/engagements", headers=owner)).json()["items"]
    assert len(engagements) == 1
