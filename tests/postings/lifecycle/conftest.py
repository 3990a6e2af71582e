"""Fixtures for the gig lifecycle: settings with station counties, a recording sender, staff tokens
with a county claim, and the app's background parts to drive by hand."""

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import jwt
import pytest
from fastapi import FastAPI

from services.kit.auth import Role
from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.matching.replica.config import ReplicaSettings
from services.postings.access.reach import SeekerReach
from services.postings.config import LifecycleSettings, PostingsSettings
from services.postings.main import create_app
from services.postings.notifications.sender import DeliveryFailed, Outgoing
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.matching.seekers.conftest import seeker_body

HOME_COUNTY = "370102"  # 历下区: where the factories' postings are
OTHER_COUNTY = "370202"  # 市南区 (Qingdao)
STATIONS = {"st-lixia": HOME_COUNTY, "st-shinan": OTHER_COUNTY}


class RecordingSender:
    """Keeps what it was asked to send; fails while `failing` is set."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.failing = False

    async def send(self, message: Outgoing) -> None:
        if self.failing:
            raise DeliveryFailed("gateway down")
        self.sent.append(message)


@pytest.fixture
async def postings_settings(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings
) -> PostingsSettings:
    return PostingsSettings(
        database_url=await make_database("postings"),
        auth=auth_settings,
        lifecycle=LifecycleSettings(station_counties=STATIONS),
    )


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
async def app(
    postings_settings: PostingsSettings, clock: ManualClock, sender: RecordingSender
) -> AsyncIterator[FastAPI]:
    async with LifespanApp(create_app(postings_settings, clock, background=False, sender=sender)) as running:
        yield running


@pytest.fixture
def county_staff(auth_settings: AuthSettings) -> Callable[[str, str], dict[str, str]]:
    """county_staff(sub, county) → headers of a staff token carrying a `county_adcode` claim."""

    def make(sub: str, county: str) -> dict[str, str]:
        now = int(time.time())
        claims = {
            "iss": auth_settings.issuer,
            "aud": auth_settings.audience,
            "sub": sub,
            "role": Role.STAFF.value,
            "county_adcode": county,
            "iat": now,
            "exp": now + 3600,
            "jti": uuid.uuid4().hex,
        }
        key = auth_settings.local_key.get_secret_value()
        return {"Authorization": f"Bearer {jwt.encode(claims, key, algorithm='HS256')}"}

    return make


@pytest.fixture
def sweep(app: FastAPI) -> Callable[[], Awaitable[dict[str, int]]]:
    """Run the deadline sweeper once (after moving the clock)."""

    async def run() -> dict[str, int]:
        counts: dict[str, int] = await app.state.deadlines.run_once()
        return counts

    return run


@pytest.fixture
async def matching(
    app: FastAPI,
    make_database: Callable[[str], Awaitable[str]],
    auth_settings: AuthSettings,
    clock: ManualClock,
) -> AsyncIterator[httpx.AsyncClient]:
    """The matching service this postings app asks whom staff reach (not following the feed): register
    the seekers staff act for there."""
    settings = MatchingSettings(database_url=await make_database("matching"), auth=auth_settings)
    matching_app = create_matching(settings, clock)
    matching_app.state.replica_settings = ReplicaSettings(enabled=False)
    await ask_matching(app, matching_app)
    async with LifespanApp(matching_app), client_for(matching_app) as client:
        yield client


async def registered(matching: httpx.AsyncClient, staff: dict[str, str], seeker_id: str, **over: str) -> str:
    """A seeker registered at the counter by `staff`'s station (so its staff reach them)."""
    consent = {"purposes": ["matching"], "method": "in_person_signed"}
    body = seeker_body(seeker_id=seeker_id, consent=consent, phone=None) | over
    response = await matching.post("/v1/seekers", json=body, headers=staff)
    assert response.status_code == 201, response.text
    return seeker_id


async def down_matching(app: FastAPI) -> None:
    """The postings app's matching service cannot be reached (every connection refused)."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    await app.state.seeker_reach.aclose()
    settings = app.state.settings
    app.state.seeker_reach = SeekerReach(
        settings.matching, settings.auth, transport=httpx.MockTransport(refuse)
    )
