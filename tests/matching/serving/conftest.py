"""Serving's fixtures: a matching app whose engine is loaded, a feed driven by hand, seeker builders.

Postings reach the engine the way the consumer delivers them: a page of feed events applied to the
replica in one transaction, then the replica's listeners told (`Feed.send`). Seekers are registered
through the seekers API, so their changes go through the change journal as in production.
"""

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.uow import unit_of_work
from services.matching.replica.listeners import ReplicaChange, replica_listeners
from services.matching.replica.service import apply_page
from services.matching.serving.engine import MatchingEngine
from tests.conftest import client_for
from tests.matching.ranking.conftest import HOME, NOW, iso, offset, posting

Token = Callable[..., dict[str, str]]
OWNER = "employer-owner"
STATION = "station-lixia-1"


@pytest.fixture(autouse=True)
def fixed_clock(clock: ManualClock) -> ManualClock:
    clock.set(NOW)
    return clock


@pytest.fixture
async def app(matching_app: FastAPI) -> FastAPI:
    engine: MatchingEngine = matching_app.state.matching_engine
    await engine.wait_ready(10)
    return matching_app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


@pytest.fixture
def staff(token: Token) -> dict[str, str]:
    return token("staff", "staff-li", station=STATION, county="370102")  # HOME's county


class Feed:
    """Feed events applied to the replica and announced to its listeners, as the consumer does."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.seq = 0
        self.employer_id = str(uuid.uuid4())

    def _event(self, type_: str, data: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        return {
            "seq": self.seq,
            "type": type_,
            "schema_version": 1,
            "aggregate_id": str(data["id"]),
            "created_at": iso(NOW),
            "data": data,
        }

    async def send(self, *events: tuple[str, dict[str, Any]]) -> None:
        page = [self._event(t, d) for t, d in events]
        async with unit_of_work(self.app.state.sessionmaker) as session:
            result = await apply_page(session, "postings", page, self.app.state.clock.now())
        replica_listeners(self.app).notify(
            ReplicaChange(result.cursor, tuple(result.postings), tuple(result.employers))
        )

    async def employer(self, owner_sub: str = OWNER, **fields: Any) -> str:
        data = {"id": self.employer_id, "name": "历下家政服务中心", "kind": "company", "verified": True,
                "version": 1, "owner_sub": owner_sub} | fields  # fmt: skip
        await self.send(("employer.created", data))
        return str(data["id"])

    async def post(self, title: str = "仓库装卸工", **fields: Any) -> dict[str, Any]:
        """An open posting of this feed's employer, `km` north of HOME (ranking/conftest.posting)."""
        snapshot = posting(title, employer_id=self.employer_id, **fields)
        await self.send(("posting.created", snapshot))
        return snapshot

    async def close(self, snapshot: dict[str, Any]) -> None:
        closed = snapshot | {"status": "closed", "version": snapshot["version"] + 1}
        await self.send(("posting.closed", closed))


@pytest.fixture
async def feed(app: FastAPI) -> Feed:
    f = Feed(app)
    await f.employer()
    return f


def profile(**overrides: Any) -> dict[str, Any]:
    """A self-registration at HOME who wants loading work, by bus, any time, jobs and gigs."""
    body: dict[str, Any] = {
        "desired_text": "装卸工",
        "home": {"lat": HOME[0], "lng": HOME[1]},
        "travel_mode": "bus",
        "max_commute_minutes": 45,
        "birth_year": 1985,
        "birth_month": 3,
        "consent": {"purposes": ["matching"], "method": "app"},
    }
    body.update(overrides)
    return body


async def register(
    client: httpx.AsyncClient, token: Token, seeker_id: str, north_km: float = 0.0, **overrides: Any
) -> dict[str, str]:
    """Register `seeker_id` (living `north_km` north of HOME); returns their own headers."""
    headers = token("seeker", seeker_id)
    lat, lng = offset(*HOME, north_km=north_km)
    body = profile(home={"lat": lat, "lng": lng}, **overrides)
    response = await client.post("/v1/seekers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return headers


async def make_member(client: httpx.AsyncClient, headers: dict[str, str], seeker_id: str) -> None:
    """The seeker consents to using sensitive data for priority help and records being a veteran."""
    granted = await client.post(
        f"/v1/seekers/{seeker_id}/consents",
        json={"purposes": ["sensitive_for_priority_help"], "method": "app"},
        headers=headers,
    )
    assert granted.status_code == 201, granted.text
    put = await client.put(f"/v1/seekers/{seeker_id}/sensitive", json={"veteran": True}, headers=headers)
    assert put.status_code == 201, put.text
