"""Every request example in the matching service's OpenAPI document, sent as it is, is accepted (2xx),
on the day the document is read, whatever that day is."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.matching.serving.conftest import STATION, Feed, Token, profile
from tests.openapi_examples import documented_examples, documented_routes, swapped

PLACEHOLDER_POSTING = "0b6f2b1e-6f0a-4c59-9a47-3c2b8f1d5e70"


@dataclass
class Target:
    url: str
    headers: dict[str, str]
    swap: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    client: httpx.AsyncClient
    token: Token
    feed: Feed

    @property
    def staff(self) -> dict[str, str]:
        return self.token("staff", "staff-li", station=STATION, county="370102")

    async def seeker(self, **fields: Any) -> tuple[str, dict[str, str], str]:
        """A registered seeker: (id, their headers, ETag)."""
        seeker_id = f"s-{uuid.uuid4().hex[:8]}"
        headers = self.token("seeker", seeker_id)
        made = await self.client.post("/v1/seekers", json=profile(**fields), headers=headers)
        assert made.status_code == 201, made.text
        return seeker_id, headers, made.headers["ETag"]


async def _register(w: World) -> Target:
    return Target("/v1/seekers", w.token("seeker", f"s-{uuid.uuid4().hex[:8]}"))


async def _edit(w: World) -> Target:
    seeker_id, headers, etag = await w.seeker()
    return Target(f"/v1/seekers/{seeker_id}", headers | {"If-Match": etag})


async def _sensitive(w: World) -> Target:
    seeker_id, headers, _ = await w.seeker(birth_year=1975, birth_month=6)
    granted = await w.client.post(
        f"/v1/seekers/{seeker_id}/consents",
        json={"purposes": ["sensitive_for_priority_help"], "method": "app"},
        headers=headers,
    )
    assert granted.status_code == 201, granted.text
    return Target(f"/v1/seekers/{seeker_id}/sensitive", headers)


async def _consent(w: World) -> Target:
    seeker_id, _, _ = await w.seeker()
    return Target(f"/v1/seekers/{seeker_id}/consents", w.staff)


async def _override(w: World) -> Target:
    seeker_id, _, _ = await w.seeker()
    posting = await w.feed.post()
    return Target(f"/v1/seekers/{seeker_id}/overrides", w.staff, {PLACEHOLDER_POSTING: str(posting["id"])})


async def _lookup(w: World) -> Target:
    await w.seeker(phone="13812341234")
    return Target("/v1/seekers/lookup", w.token("staff", "staff-far", station="station-far", county="370202"))


async def _household(w: World) -> Target:
    return Target("/v1/households", w.staff)


async def _case(w: World) -> Target:
    seeker_id, headers, _ = await w.seeker()
    granted = await w.client.post(
        f"/v1/seekers/{seeker_id}/consents",
        json={"purposes": ["sensitive_for_priority_help"], "method": "app"},
        headers=headers,
    )
    assert granted.status_code == 201, granted.text
    return Target("/v1/cases", w.staff, {"seeker-3701-0042": seeker_id})


SETUPS: dict[tuple[str, str], Callable[[World], Awaitable[Target]]] = {
    ("POST", "/v1/seekers"): _register,
    ("PATCH", "/v1/seekers/{seeker_id}"): _edit,
    ("PUT", "/v1/seekers/{seeker_id}/sensitive"): _sensitive,
    ("POST", "/v1/seekers/{seeker_id}/consents"): _consent,
    ("POST", "/v1/seekers/{seeker_id}/overrides"): _override,
    ("POST", "/v1/seekers/lookup"): _lookup,
    ("POST", "/v1/households"): _household,
    ("POST", "/v1/cases"): _case,
}


# Routes whose world (a live postings app, a dispatch morning, a case) is set up by their own domain's
# tests: each of these files sends the route's documented examples as they are.
ELSEWHERE: dict[tuple[str, str], str] = {
    ("POST", "/v1/seekers/{seeker_id}/referrals"): "tests/matching/referrals/test_documented_examples.py",
    ("POST", "/v1/dispatch/checkins"): "tests/matching/dispatch/test_documented_examples.py",
    (
        "POST",
        "/v1/dispatch/stations/{station_id}/checkins",
    ): "tests/matching/dispatch/test_documented_examples.py",
    ("POST", "/v1/dispatch/plans/{plan_id}/swaps"): "tests/matching/dispatch/test_documented_examples.py",
    ("PATCH", "/v1/cases/{case_id}"): "tests/matching/cases/test_documented_examples.py",
    ("POST", "/v1/cases/{case_id}/actions"): "tests/matching/cases/test_documented_examples.py",
    ("POST", "/v1/cases/{case_id}/contacts"): "tests/matching/cases/test_documented_examples.py",
    ("POST", "/v1/cases/{case_id}/close"): "tests/matching/cases/test_documented_examples.py",
    ("POST", "/v1/households/{household_id}/members"): "tests/matching/cases/test_documented_examples.py",
    ("POST", "/v1/placements/{placement_id}/end"): "tests/matching/cases/test_documented_examples.py",
}


def test_every_route_with_a_request_example_is_sent_here_or_by_its_domain(app: FastAPI) -> None:
    assert documented_routes(app.openapi()) == set(SETUPS) | set(ELSEWHERE)
    root = Path(__file__).resolve().parents[3]
    for (_, path), test_file in ELSEWHERE.items():
        assert path in (root / test_file).read_text(encoding="utf-8"), (path, test_file)


# A year ahead checks the examples' dates, not the database: once per `make test` (LINGONG_ONCE).
@pytest.mark.parametrize("days_from_now", [0, pytest.param(400, marks=pytest.mark.backend_independent)])
@pytest.mark.parametrize("route", sorted(SETUPS), ids=" ".join)
async def test_each_documented_request_example_is_accepted_as_it_is(
    client: httpx.AsyncClient,
    token: Token,
    feed: Feed,
    clock: ManualClock,
    route: tuple[str, str],
    days_from_now: int,
) -> None:
    clock.advance(timedelta(days=days_from_now))
    method, path = route
    examples = documented_examples((await client.get("/openapi.json")).json(), method, path)
    assert examples
    for index, example in enumerate(examples):
        target = await SETUPS[route](World(client, token, feed))
        body = swapped(example, target.swap)

        response = await client.request(method, target.url, json=body, headers=target.headers)

        assert 200 <= response.status_code < 300, (index, response.text)


async def test_each_documented_occupation_query_answers(client: httpx.AsyncClient, token: Token) -> None:
    spec = (await client.get("/openapi.json")).json()
    [q] = [p for p in spec["paths"]["/v1/occupations"]["get"]["parameters"] if p["name"] == "q"]
    examples = q.get("examples") or q["schema"]["examples"]

    answers = [await client.get("/v1/occupations", params={"q": text}) for text in examples]

    assert [a.status_code for a in answers] == [200] * len(examples)
