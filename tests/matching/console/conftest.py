"""Console fixtures: a browser-like client (cookies kept, no redirects followed) on the matching app."""

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.matching.ranking.text import TextEncoder
from services.matching.referrals.config import ReferralSettings
from services.matching.replica.config import ReplicaSettings
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.matching.ranking.conftest import keyword_predictor

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def browser(matching_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(matching_app) as client:
        client.follow_redirects = False
        yield client


async def csrf_of(client: httpx.AsyncClient, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    response = await client.get(path)
    assert response.status_code == 200, response.text
    found = CSRF.search(response.text)
    assert found is not None
    return found.group(1)


async def demo_login(client: httpx.AsyncClient) -> None:
    token = await csrf_of(client, "/console/login")
    response = await client.post("/console/login/demo", data={"csrf": token, "next": "/console/"})
    assert response.status_code == 303, response.text


async def post_form(
    client: httpx.AsyncClient, page: str, action: str, data: dict[str, str]
) -> httpx.Response:
    """Post `data` to `action` with the CSRF token of the form on `page`, as a browser would."""
    return await client.post(action, data={"csrf": await csrf_of(client, page), **data})


@pytest.fixture
async def live_app(
    matching_settings: MatchingSettings, clock: ManualClock, postings_app: FastAPI
) -> AsyncIterator[FastAPI]:
    """Matching following the real postings app's feed, and writing to it for staff."""
    app = create_matching(matching_settings, clock)
    app.state.replica_settings = ReplicaSettings(page_size=50, poll_wait_seconds=2, backoff_base_seconds=0.05)
    app.state.referral_settings = ReferralSettings(max_attempts=2, backoff_seconds=0)
    app.state.postings_transport = httpx.ASGITransport(app=postings_app)
    app.state.text_encoder = TextEncoder(keyword_predictor)
    await ask_matching(postings_app, app)
    async with LifespanApp(app) as running:
        await running.state.matching_engine.wait_ready(10)
        yield running


@pytest.fixture
async def counter(live_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A browser at the station counter, on the live matching app."""
    async with client_for(live_app) as client:
        client.follow_redirects = False
        yield client


async def register_walk_in(
    client: httpx.AsyncClient,
    purposes: tuple[str, ...] = ("matching", "sensitive_for_priority_help"),
    **fields: str,
) -> str:
    """Three screens of the registration form; returns the new seeker's id."""
    screens: list[dict[str, Any]] = [
        {
            "desired_text": "电焊工",
            "county_adcode": "370102",
            "lat": "36.6512",
            "lng": "117.1201",
            "travel_mode": "bus",
            "max_commute_minutes": "60",
            "birth_year": "1972",
            "birth_month": "5",
            "phone": "13912345678",
        },
        {"kinds": ["job", "gig"], "certificates": ["焊工证"], "pay_unit": "day"},
        {"purposes": list(purposes), "method": "in_person_signed"},
    ]
    screens[0].update(fields)
    response = await submit_screens(client, screens)
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/console/seekers/")[1].split("?")[0]


DRAFT = re.compile(r'name="draft" value="([^"]*)"')


async def submit_screens(client: httpx.AsyncClient, screens: list[dict[str, Any]]) -> httpx.Response:
    """Each screen posted from the page the last redirect opened, as a browser does (PRG); the last
    POST's response."""
    at = "/console/seekers/new"
    response = None
    for step, screen in enumerate(screens, start=1):
        page = await client.get(at)
        assert page.status_code == 200, page.text
        csrf, draft = CSRF.search(page.text), DRAFT.search(page.text)
        assert csrf is not None
        assert draft is not None
        data = {"csrf": csrf.group(1), "step": str(step), "draft": draft.group(1), **screen}
        response = await client.post("/console/seekers/new", data=data)
        if step < len(screens):
            assert response.status_code == 303, response.text
            at = response.headers["location"]
    assert response is not None
    return response


@pytest.fixture
async def postings(postings_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(postings_app) as client:
        yield client


@pytest.fixture
def owner(token: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token("employer", "employer-owner")
