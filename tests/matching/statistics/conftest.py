"""The statistics fixtures: a matching app on a fixed clock, postings fed through the replica's own
apply (as the feed consumer does), seekers registered through the API, tokens with a county claim."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.auth import mint_token
from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.kit.uow import unit_of_work
from services.matching.config import MatchingSettings
from services.matching.replica.service import apply_page
from services.matching.statistics.config import StatisticsSettings
from services.matching.statistics.snapshots import StatisticsTask
from tests.conftest import LifespanApp, client_for
from tests.matching.conftest import matching_test_app
from tests.matching.replica.feeds import event, posting_data, shift_data

# Wednesday 9 December 2026, 10:00 in Beijing: ISO week 2026-W50.
NOW = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)
A, B = "370102", "370103"  # 济南市历下区, 济南市市中区
EMPLOYER = uuid.UUID("00000000-0000-4000-8000-000000000001")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
async def stats_app(matching_settings: MatchingSettings, clock: ManualClock) -> AsyncIterator[FastAPI]:
    app = matching_test_app(matching_settings, clock)  # tests call run_once() themselves
    app.state.statistics_settings = StatisticsSettings()
    async with LifespanApp(app) as running:
        yield running


@pytest.fixture
async def client(stats_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(stats_app) as c:
        yield c


@pytest.fixture
def task(stats_app: FastAPI) -> StatisticsTask:
    task: StatisticsTask = stats_app.state.statistics_task
    return task


@asynccontextmanager
async def last_week(clock: ManualClock, task: StatisticsTask) -> AsyncIterator[None]:
    """What the block does happens a week ago, and that week's snapshot is taken after it."""
    clock.set(NOW - timedelta(days=7))
    yield
    await task.run_once()
    clock.set(NOW)


@pytest.fixture
def as_role(auth_settings: AuthSettings) -> Callable[..., dict[str, str]]:
    """as_role(role, county=None) → headers; staff carry station st-1 and the county claim given."""

    def make(role: str, county: str | None = None) -> dict[str, str]:
        extra = {"county_adcode": county} if county else None
        station = "st-1" if role == "staff" else None
        token = mint_token(auth_settings, role, f"{role}-1", station_id=station, extra=extra)
        return {"Authorization": f"Bearer {token}"}

    return make


class Feed:
    """Feeds posting events to the replica as the consumer does: apply_page in one unit of work."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.seq = 0
        self.versions: dict[str, int] = {}

    async def post(self, county: str, code: str | None, headcount: int = 1, **overrides: Any) -> str:
        posting_id = overrides.pop("id", None) or str(uuid.uuid4())
        version = self.versions[posting_id] = self.versions.get(posting_id, 0) + 1
        data = posting_data(uuid.UUID(posting_id), EMPLOYER, version=version, **overrides)
        data["occupation_code"] = code
        data["headcount"] = headcount
        data["location"] = {**data["location"], "county_adcode": county}
        await self.send("posting.created", data)
        return posting_id

    async def send(self, type_: str, data: dict[str, Any]) -> None:
        self.seq += 1
        async with unit_of_work(self.app.state.sessionmaker) as session:
            await apply_page(session, "postings", [event(self.seq, type_, data)], NOW)


@pytest.fixture
def feed(stats_app: FastAPI) -> Feed:
    return Feed(stats_app)


def shift(
    posting_id: str, starts: datetime, headcount: int, filled: int, status: str = "open"
) -> dict[str, Any]:
    return shift_data(
        uuid.uuid4(),
        uuid.UUID(posting_id),
        headcount=headcount,
        filled=filled,
        status=status,
        starts_at=starts.isoformat(),
        ends_at=(starts + timedelta(hours=4)).isoformat(),
    )


class Seekers:
    """Registers seekers through the API as staff of station st-1, with their matching consent."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client, self.headers, self.n = client, headers, 0

    async def register(
        self, county: str, codes: list[str], sensitive: dict[str, Any] | None = None, **extra: Any
    ) -> str:
        self.n += 1
        purposes = ["matching", "sensitive_for_priority_help"] if sensitive else ["matching"]
        body: dict[str, Any] = {
            "seeker_id": f"s-{self.n:03d}",
            "home": {"county_adcode": county},
            "birth_year": 1970,
            "birth_month": 5,
            "consent": {"purposes": purposes, "method": "in_person_signed"},
            **extra,
        }
        if codes:
            body["occupation_codes"] = codes
        else:
            body["desired_text"] = "什么活都行"
        r = await self.client.post("/v1/seekers", json=body, headers=self.headers)
        assert r.status_code == 201, r.text
        if sensitive:
            put = await self.client.put(
                f"/v1/seekers/s-{self.n:03d}/sensitive", json=sensitive, headers=self.headers
            )
            assert put.status_code == 201, put.text
        return str(r.json()["id"])

    async def withdraw(self, seeker_id: str) -> None:
        r = await self.client.delete(f"/v1/seekers/{seeker_id}/consents/matching", headers=self.headers)
        assert r.status_code in (200, 204), r.text


@pytest.fixture
def seekers(client: httpx.AsyncClient, as_role: Callable[..., dict[str, str]]) -> Seekers:
    return Seekers(client, as_role("staff", A))
