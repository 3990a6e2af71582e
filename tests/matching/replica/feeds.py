"""A scripted feed for httpx.MockTransport, event builders, and direct reads of the replica tables."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.matching.replica.models import ReplicaCursor, ReplicaDeadLetter, ReplicaEmployer, ReplicaPosting

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
Reply = httpx.Response | Exception


class ScriptedFeed:
    """Serves `events` like GET /v1/feed does; `replies` are answered first, one per request."""

    def __init__(self, events: list[dict[str, Any]] | None = None, *, send_head: bool = False) -> None:
        self.events: list[dict[str, Any]] = list(events or [])
        self.send_head = send_head
        self.replies: list[Reply] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.replies:
            reply = self.replies.pop(0)
            if isinstance(reply, Exception):
                raise reply
            return reply
        after = int(request.url.params.get("after", "0"))
        limit = int(request.url.params.get("limit", "500"))
        page = [e for e in self.events if e["seq"] > after][:limit]
        body: dict[str, Any] = {"events": page, "next": page[-1]["seq"] if page else after}
        if self.send_head:
            body["head"] = max((e["seq"] for e in self.events), default=0)
        return httpx.Response(200, json=body)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def event(seq: int, type_: str, data: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "seq": seq,
        "type": type_,
        "schema_version": 1,
        "aggregate_id": str(data.get("id", "x")),
        "created_at": (T0 + timedelta(seconds=seq)).isoformat(),
        "data": data,
    }
    body.update(envelope)
    return body


def employer_data(employer_id: uuid.UUID, version: int = 1, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(employer_id),
        "name": "济南鲁焊机械有限公司",
        "kind": "company",
        "uscc": None,
        "county_adcode": "370102",
        "verified": False,
        "version": version,
        "created_at": T0.isoformat(),
        "updated_at": T0.isoformat(),
    }
    data.update(overrides)
    return data


def shift_data(
    shift_id: uuid.UUID, posting_id: uuid.UUID, version: int = 1, filled: int = 0, **overrides: Any
) -> dict[str, Any]:
    start = T0 + timedelta(days=2)
    data: dict[str, Any] = {
        "id": str(shift_id),
        "posting_id": str(posting_id),
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=4)).isoformat(),
        "headcount": 2,
        "filled": filled,
        "status": "open",
        "version": version,
    }
    data.update(overrides)
    return data


def posting_data(
    posting_id: uuid.UUID,
    employer_id: uuid.UUID,
    version: int = 1,
    status: str = "open",
    **overrides: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(posting_id),
        "employer_id": str(employer_id),
        "kind": "job",
        "status": status,
        "title": "电焊工",
        "description": "负责钢结构焊接",
        "occupation_code": "6-18-02-04",
        "location": {"lat": 36.6665, "lng": 117.0764, "county_adcode": "370102", "address": None},
        "pay": {"min": "6000", "max": "8000", "unit": "month"},
        "headcount": 3,
        "education": None,
        "experience_years": None,
        "certificates": ["welder"],
        "physical_demand": None,
        "accommodations": [],
        "flags": [],
        "booking": None,
        "justifications": {},
        "screening_notes": [],
        "valid_until": None,
        "published_at": None,
        "closed_at": None,
        "close_reason": None,
        "source": None,
        "external_id": None,
        "version": version,
        "created_at": T0.isoformat(),
        "updated_at": (T0 + timedelta(minutes=version)).isoformat(),
        "shifts": [],
    }
    data.update(overrides)
    return data


async def replica_postings(db: async_sessionmaker[AsyncSession]) -> dict[str, ReplicaPosting]:
    async with db() as session:
        return {str(p.id): p for p in await session.scalars(select(ReplicaPosting))}


async def replica_employers(db: async_sessionmaker[AsyncSession]) -> dict[str, ReplicaEmployer]:
    async with db() as session:
        return {str(e.id): e for e in await session.scalars(select(ReplicaEmployer))}


async def stored_cursor(
    db: async_sessionmaker[AsyncSession], source: str = "postings"
) -> ReplicaCursor | None:
    async with db() as session:
        return await session.get(ReplicaCursor, source)


async def dead_letters(db: async_sessionmaker[AsyncSession]) -> list[ReplicaDeadLetter]:
    async with db() as session:
        return list(await session.scalars(select(ReplicaDeadLetter).order_by(ReplicaDeadLetter.seq)))


async def count_postings(db: async_sessionmaker[AsyncSession]) -> int:
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(ReplicaPosting)) or 0)
