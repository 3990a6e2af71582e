"""Privacy fixtures: matching with a real postings app behind its client (or one that never answers),
the retention sweep driven by the test, seekers registered with phone, ID number and sensitive data."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.privacy.config import PrivacySettings
from services.matching.privacy.retention import SweepReport
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.matching.referrals.conftest import matching_with
from tests.matching.seekers.conftest import NOW, grant, id_number, put_sensitive, seeker_body

Token = Callable[..., dict[str, str]]
Headers = dict[str, str]
STATION = "station-liangshan-1"
COUNTY = "370832"  # 梁山县, where seeker_body's home is
PHONE = "13812341234"
ID_NUMBER = id_number()


@pytest.fixture(autouse=True)
def fixed_clock(clock: ManualClock) -> ManualClock:
    clock.set(NOW)
    return clock


@pytest.fixture
def privacy_settings() -> PrivacySettings:
    return PrivacySettings(
        sweep_enabled=False,
        inactive_days=365,
        notice_days=30,
        audit_days=730,
        batch_size=2,
        erasure_delivery_enabled=False,
    )


def _with_privacy(app: FastAPI, settings: PrivacySettings) -> FastAPI:
    app.state.privacy_settings = settings
    return app


@pytest.fixture
async def matching_app(
    matching_settings: MatchingSettings,
    clock: ManualClock,
    postings_app: FastAPI,
    privacy_settings: PrivacySettings,
) -> AsyncIterator[FastAPI]:
    # no sweeps: each test runs the retention sweep or the erasure delivery itself
    app = matching_with(matching_settings, clock, httpx.ASGITransport(app=postings_app), background=False)
    await ask_matching(postings_app, app)
    async with LifespanApp(_with_privacy(app, privacy_settings)) as running:
        yield running


@pytest.fixture
async def matching(matching_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(matching_app) as client:
        yield client


@pytest.fixture
async def postings(postings_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(postings_app) as client:
        yield client


def _refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("postings is down", request=request)


@pytest.fixture
async def matching_alone(
    matching_settings: MatchingSettings, clock: ManualClock, privacy_settings: PrivacySettings
) -> AsyncIterator[httpx.AsyncClient]:
    """Matching whose postings service cannot be reached."""
    app = matching_with(matching_settings, clock, httpx.MockTransport(_refuse), background=False)
    async with LifespanApp(_with_privacy(app, privacy_settings)) as running, client_for(running) as client:
        yield client


@pytest.fixture
async def session(matching_app: FastAPI) -> AsyncIterator[AsyncSession]:
    async with matching_app.state.sessionmaker() as s:
        yield s


@pytest.fixture
def sweep(matching_app: FastAPI) -> Callable[[], Awaitable[SweepReport]]:
    async def run() -> SweepReport:
        report: SweepReport = await matching_app.state.privacy_sweeper.run_once()
        return report

    return run


@pytest.fixture
def staff(token: Token) -> Headers:
    return token("staff", "staff-wang", station=STATION, county=COUNTY)


@pytest.fixture
def far_staff(token: Token) -> Headers:
    return token("staff", "staff-zhao", station="station-heze-1", county="371702")


async def register_full(
    client: httpx.AsyncClient, token: Token, seeker_id: str, *, id_no: str = ID_NUMBER, **over: Any
) -> Headers:
    """A self-registered seeker with phone, the sensitive consent and an ID number on file."""
    me = token("seeker", seeker_id)
    response = await client.post("/v1/seekers", json=seeker_body(**over), headers=me)
    assert response.status_code == 201, response.text
    await grant(client, me, seeker_id, "sensitive_for_priority_help")
    stored = await put_sensitive(client, me, seeker_id, id_number=id_no)
    assert stored.status_code == 201, stored.text
    return me
