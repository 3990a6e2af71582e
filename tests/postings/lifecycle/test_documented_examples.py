"""Every request example in the postings service's OpenAPI document, sent as it is, is accepted (2xx),
on the day the document is read, whatever that day is.

Each example gets a world of its own in which it makes sense (a posting to edit, a booking to check in
to). Only the values no document can know are swapped in: the ids of that world's rows (the examples'
placeholder ids) and the rotating check-in code.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.openapi_examples import documented_examples, documented_routes, swapped
from tests.postings.factories import create_employer, create_posting, gig_body, job_body
from tests.postings.lifecycle.conftest import registered
from tests.postings.lifecycle.factories import Gig, booked, geo, open_gig, open_job, step

Token = Callable[..., dict[str, str]]
Sweep = Callable[[], Awaitable[dict[str, int]]]
PLACEHOLDER_EMPLOYER = "3f0c7a2e-1b7d-4a53-9d0e-5b7c2d9e8a11"
DOCUMENTED_CODE = "482913"
STATION = "st-lixia"


@dataclass
class Target:
    url: str
    headers: dict[str, str]
    swap: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    client: httpx.AsyncClient
    token: Token
    clock: ManualClock
    sweep: Sweep
    matching: httpx.AsyncClient | None = None

    async def worker(self, example: dict[str, Any]) -> dict[str, str]:
        """The seeker themself, or a station's staff when the example names a seeker (registered at
        that station, so its staff act for them)."""
        if "seeker_id" in example:
            staff = self.token("staff", "clerk-1", station=STATION)
            assert self.matching is not None, "a route acting for a seeker needs the matching service"
            await registered(self.matching, staff, example["seeker_id"])
            return staff
        return self.token("seeker", f"s-{uuid.uuid4().hex[:8]}")

    async def gig(self, starts_in: timedelta = timedelta(days=2)) -> Gig:
        return await open_gig(
            self.client, self.token("employer", "boss"), self.clock.now(), starts_in=starts_in
        )

    async def at_work(self) -> tuple[Gig, dict[str, str], dict[str, Any]]:
        """A booked worker at the workplace five minutes before the shift."""
        gig = await self.gig()
        worker = self.token("seeker", f"s-{uuid.uuid4().hex[:8]}")
        taken = await booked(self.client, worker, gig.shift_id)
        self.clock.set(gig.starts_at - timedelta(minutes=5))
        return gig, worker, taken

    async def code(self, gig: Gig) -> str:
        shown = await self.client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=gig.boss)
        assert shown.status_code == 200, shown.text
        return str(shown.json()["code"])

    async def confirmed(self) -> tuple[Gig, dict[str, str], str]:
        gig, worker, taken = await self.at_work()
        assert (await step(self.client, worker, taken["id"], "check-in", **geo())).status_code == 200
        self.clock.set(datetime.fromisoformat(gig.shifts[0]["ends_at"]))
        assert (await step(self.client, worker, taken["id"], "check-out", **geo())).status_code == 200
        assert (await step(self.client, gig.boss, taken["id"], "confirm")).status_code == 200
        return gig, worker, str(taken["id"])

    async def appealed(self) -> str:
        target = await _appeal(self, {})
        appeal = await self.client.post(target.url, json={"reason": "急病"}, headers=target.headers)
        assert appeal.status_code == 201, appeal.text
        return str(appeal.json()["id"])


async def _new_employer(w: World, ex: dict[str, Any]) -> Target:
    return Target("/v1/employers", w.token("employer", "boss"))


async def _employer(w: World, ex: dict[str, Any], action: str, role: str) -> Target:
    boss = w.token("employer", "boss")
    made = await w.client.post("/v1/employers", json={"name": "某公司", "kind": "company"}, headers=boss)
    headers = boss if role == "employer" else w.token(role, "clerk-1", station=STATION)
    url = f"/v1/employers/{made.json()['id']}{action}"
    return Target(url, headers | {"If-Match": made.headers["ETag"]})


async def _posting_create(w: World, ex: dict[str, Any], path: str) -> Target:
    boss = w.token("employer", "boss")
    employer = await create_employer(w.client, boss)
    return Target(path, boss, {PLACEHOLDER_EMPLOYER: str(employer["id"])})


async def _posting(w: World, ex: dict[str, Any], action: str) -> Target:
    boss = w.token("employer", "boss")
    employer = await create_employer(w.client, boss)
    posting, etag = await create_posting(w.client, boss, gig_body(str(employer["id"]), w.clock.now()))
    return Target(f"/v1/postings/{posting['id']}{action}", boss | {"If-Match": etag})


async def _apply(w: World, ex: dict[str, Any]) -> Target:
    job = await open_job(w.client, w.token("employer", "boss"))
    return Target(f"/v1/postings/{job['id']}/applications", await w.worker(ex))


async def _reject(w: World, ex: dict[str, Any]) -> Target:
    boss = w.token("employer", "boss")
    employer = await create_employer(w.client, boss)
    posting, etag = await create_posting(w.client, boss, job_body(str(employer["id"])))
    await w.client.post(f"/v1/postings/{posting['id']}/publish", headers=boss | {"If-Match": etag})
    url = f"/v1/postings/{posting['id']}/applications"
    applied = await w.client.post(url, json={}, headers=w.token("seeker", "s-apply"))
    assert applied.status_code == 201, applied.text
    return Target(f"/v1/applications/{applied.json()['id']}/reject", boss)


async def _book(w: World, ex: dict[str, Any]) -> Target:
    return Target(f"/v1/shifts/{(await w.gig()).shift_id}/bookings", await w.worker(ex))


async def _cancel_shift(w: World, ex: dict[str, Any]) -> Target:
    gig = await w.gig()
    return Target(f"/v1/shifts/{gig.shift_id}/cancel", gig.boss)


async def _presence(w: World, ex: dict[str, Any], action: str) -> Target:
    gig, worker, taken = await w.at_work()
    if action == "check-out":
        assert (await step(w.client, worker, taken["id"], "check-in", **geo())).status_code == 200
        w.clock.set(datetime.fromisoformat(gig.shifts[0]["ends_at"]))
    swap = {DOCUMENTED_CODE: await w.code(gig)} if ex["method"] == "code" else {}
    return Target(f"/v1/engagements/{taken['id']}/{action}", worker, swap)


async def _confirm(w: World, ex: dict[str, Any]) -> Target:
    gig, worker, taken = await w.at_work()
    assert (await step(w.client, worker, taken["id"], "check-in", **geo())).status_code == 200
    w.clock.set(datetime.fromisoformat(gig.shifts[0]["ends_at"]))
    assert (await step(w.client, worker, taken["id"], "check-out", **geo())).status_code == 200
    return Target(f"/v1/engagements/{taken['id']}/confirm", gig.boss)


async def _not_paid(w: World, ex: dict[str, Any]) -> Target:
    _, worker, engagement_id = await w.confirmed()
    w.clock.advance(timedelta(hours=25))
    return Target(f"/v1/engagements/{engagement_id}/not-paid", worker)


async def _cancel_booking(w: World, ex: dict[str, Any]) -> Target:
    gig = await w.gig()
    worker = w.token("seeker", f"s-{uuid.uuid4().hex[:8]}")
    taken = await booked(w.client, worker, gig.shift_id)
    return Target(f"/v1/engagements/{taken['id']}/cancel", worker)


async def _rate(w: World, ex: dict[str, Any]) -> Target:
    _, worker, engagement_id = await w.confirmed()
    return Target(f"/v1/engagements/{engagement_id}/ratings", worker)


async def _appeal(w: World, ex: dict[str, Any]) -> Target:
    gig = await w.gig(starts_in=timedelta(hours=5))
    worker = w.token("seeker", f"s-{uuid.uuid4().hex[:8]}")
    taken = await booked(w.client, worker, gig.shift_id)
    await step(w.client, worker, taken["id"], "cancel")
    return Target(f"/v1/engagements/{taken['id']}/appeal", worker)


async def _decide(w: World, ex: dict[str, Any], action: str) -> Target:
    appeal_id = await w.appealed()
    return Target(f"/v1/appeals/{appeal_id}/{action}", w.token("staff", "clerk-1", station=STATION))


async def _resolve(w: World, ex: dict[str, Any]) -> Target:
    _, worker, engagement_id = await w.confirmed()
    w.clock.advance(timedelta(hours=25))
    assert (await step(w.client, worker, engagement_id, "not-paid")).status_code == 200
    staff = w.token("staff", "clerk-1", station=STATION)
    disputes = (await w.client.get("/v1/disputes", headers=staff)).json()["items"]
    [dispute] = [d for d in disputes if d["engagement_id"] == engagement_id]
    return Target(f"/v1/disputes/{dispute['id']}/resolve", staff)


async def _erasure(w: World, example: dict[str, Any]) -> Target:
    """The matching service passing on a seeker's erasure (a seeker of its own)."""
    return Target(f"/v1/seekers/s-{uuid.uuid4().hex[:8]}/erasure", w.token("service", "matching"))


Setup = Callable[[World, dict[str, Any]], Awaitable[Target]]
SETUPS: dict[tuple[str, str], Setup] = {
    ("POST", "/v1/employers"): _new_employer,
    ("PATCH", "/v1/employers/{employer_id}"): lambda w, ex: _employer(w, ex, "", "employer"),
    ("POST", "/v1/employers/{employer_id}/verify"): lambda w, ex: _employer(w, ex, "/verify", "staff"),
    ("POST", "/v1/postings"): lambda w, ex: _posting_create(w, ex, "/v1/postings"),
    ("POST", "/v1/postings:check"): lambda w, ex: _posting_create(w, ex, "/v1/postings:check"),
    ("PATCH", "/v1/postings/{posting_id}"): lambda w, ex: _posting(w, ex, ""),
    ("POST", "/v1/postings/{posting_id}/shifts"): lambda w, ex: _posting(w, ex, "/shifts"),
    ("POST", "/v1/postings/{posting_id}/applications"): _apply,
    ("POST", "/v1/applications/{application_id}/reject"): _reject,
    ("POST", "/v1/shifts/{shift_id}/bookings"): _book,
    ("POST", "/v1/shifts/{shift_id}/cancel"): _cancel_shift,
    ("POST", "/v1/engagements/{engagement_id}/check-in"): lambda w, ex: _presence(w, ex, "check-in"),
    ("POST", "/v1/engagements/{engagement_id}/check-out"): lambda w, ex: _presence(w, ex, "check-out"),
    ("POST", "/v1/engagements/{engagement_id}/confirm"): _confirm,
    ("POST", "/v1/engagements/{engagement_id}/not-paid"): _not_paid,
    ("POST", "/v1/engagements/{engagement_id}/cancel"): _cancel_booking,
    ("POST", "/v1/engagements/{engagement_id}/ratings"): _rate,
    ("POST", "/v1/engagements/{engagement_id}/appeal"): _appeal,
    ("POST", "/v1/appeals/{appeal_id}/uphold"): lambda w, ex: _decide(w, ex, "uphold"),
    ("POST", "/v1/appeals/{appeal_id}/reject"): lambda w, ex: _decide(w, ex, "reject"),
    ("POST", "/v1/disputes/{dispute_id}/resolve"): _resolve,
    ("POST", "/v1/seekers/{seeker_id}/erasure"): _erasure,
}


@pytest.fixture
def world(client: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep) -> World:
    return World(client, token, clock, sweep)


def test_every_route_with_a_request_example_is_sent_here(app: FastAPI) -> None:
    assert documented_routes(app.openapi()) == set(SETUPS)


async def _send_each_example(app: FastAPI, world: World, route: tuple[str, str]) -> None:
    method, path = route
    count = len(documented_examples(app.openapi(), method, path))
    for index in range(count):
        target = await SETUPS[route](world, documented_examples(app.openapi(), method, path)[index])
        example = documented_examples((await world.client.get("/openapi.json")).json(), method, path)[index]
        body = swapped(example, target.swap)

        response = await world.client.request(method, target.url, json=body, headers=target.headers)

        assert 200 <= response.status_code < 300, (index, response.text)


# Staff act for a seeker only when the matching service says they reach them: these run beside one.
ON_BEHALF = {("POST", "/v1/postings/{posting_id}/applications"), ("POST", "/v1/shifts/{shift_id}/bookings")}


# A year ahead checks the examples' dates, not the database: once per `make test` (LINGONG_ONCE).
@pytest.mark.parametrize("days_from_now", [0, pytest.param(400, marks=pytest.mark.backend_independent)])
@pytest.mark.parametrize("route", sorted(set(SETUPS) - ON_BEHALF), ids=" ".join)
async def test_each_documented_request_example_is_accepted_as_it_is(
    app: FastAPI, world: World, clock: ManualClock, route: tuple[str, str], days_from_now: int
) -> None:
    clock.advance(timedelta(days=days_from_now))
    await _send_each_example(app, world, route)


# A year ahead checks the examples' dates, not the database: once per `make test` (LINGONG_ONCE).
@pytest.mark.parametrize("days_from_now", [0, pytest.param(400, marks=pytest.mark.backend_independent)])
@pytest.mark.parametrize("route", sorted(ON_BEHALF), ids=" ".join)
async def test_each_documented_example_acting_for_a_seeker_is_accepted_as_it_is(
    app: FastAPI,
    world: World,
    matching: httpx.AsyncClient,
    clock: ManualClock,
    route: tuple[str, str],
    days_from_now: int,
) -> None:
    clock.advance(timedelta(days=days_from_now))
    world.matching = matching
    await _send_each_example(app, world, route)


async def test_the_cached_document_is_regenerated_when_the_day_changes(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    path = ("POST", "/v1/postings/{posting_id}/shifts")
    before = documented_examples((await client.get("/openapi.json")).json(), *path)[0]
    clock.advance(timedelta(days=1))
    after = documented_examples((await client.get("/openapi.json")).json(), *path)[0]

    moved = datetime.fromisoformat(after["starts_at"]) - datetime.fromisoformat(before["starts_at"])
    assert moved == timedelta(days=1)
