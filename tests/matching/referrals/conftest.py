"""Both apps in this event loop: matching writes to a real postings app through its ASGI transport."""

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.matching.referrals.config import ReferralSettings
from services.matching.replica.config import ReplicaSettings
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.matching.seekers.conftest import seeker_body, staff_consent
from tests.postings.factories import create_employer, create_posting, gig_body, job_body, publish

Token = Callable[..., dict[str, str]]
STATION = "station-lixia-1"
OWNER = "employer-owner"


def matching_with(
    settings: MatchingSettings,
    clock: ManualClock,
    transport: httpx.AsyncBaseTransport,
    *,
    background: bool = True,
) -> FastAPI:
    app = create_matching(settings, clock, background=background)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    app.state.referral_settings = ReferralSettings(max_attempts=2, backoff_seconds=0)
    app.state.postings_transport = transport
    return app


@pytest.fixture
async def matching(
    matching_settings: MatchingSettings, clock: ManualClock, postings_app: FastAPI
) -> AsyncIterator[httpx.AsyncClient]:
    app = matching_with(matching_settings, clock, httpx.ASGITransport(app=postings_app))
    await ask_matching(postings_app, app)
    async with LifespanApp(app) as running, client_for(running) as client:
        yield client


@pytest.fixture
async def postings(postings_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(postings_app) as client:
        yield client


@pytest.fixture
def staff(token: Token) -> dict[str, str]:
    return token("staff", "staff-wang", station=STATION)


@pytest.fixture
def owner(token: Token) -> dict[str, str]:
    return token("employer", OWNER)


async def walk_in(matching: httpx.AsyncClient, staff: dict[str, str], seeker_id: str) -> str:
    """A seeker registered at the counter by `staff`'s station."""
    body = seeker_body(seeker_id=seeker_id, consent=staff_consent("matching"), phone=None)
    response = await matching.post("/v1/seekers", json=body, headers=staff)
    assert response.status_code == 201, response.text
    return seeker_id


async def open_job(postings: httpx.AsyncClient, owner: dict[str, str]) -> str:
    employer = await create_employer(postings, owner)
    draft, etag = await create_posting(postings, owner, job_body(employer["id"]))
    assert (await publish(postings, owner, draft["id"], etag)).status_code == 200
    return str(draft["id"])


async def open_gig(postings: httpx.AsyncClient, owner: dict[str, str], clock: ManualClock, slots: int) -> str:
    """A published instant-booking gig with one shift of `slots` places; returns the shift id."""
    employer = await create_employer(postings, owner)
    start = clock.now() + timedelta(days=2)
    shifts: list[dict[str, Any]] = [
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=4)).isoformat(),
            "headcount": slots,
        }
    ]
    draft, etag = await create_posting(postings, owner, gig_body(employer["id"], clock.now(), shifts=shifts))
    assert (await publish(postings, owner, draft["id"], etag)).status_code == 200
    return str(draft["shifts"][0]["id"])
