"""Builders for the lifecycle tests: an open gig or job through the API, bookings, positions, reads."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from services.postings.engagements.models import ACTIVE, Engagement
from services.postings.shifts.models import Shift
from tests.postings.factories import create_employer, create_posting, gig_body, iso, job_body, publish

SITE = (36.6665, 117.0764)  # the factories' workplace


def near(metres: float, lat: float = SITE[0], lng: float = SITE[1]) -> dict[str, float]:
    """A point `metres` north of the workplace."""
    return {"lat": lat + metres / 111_195.0, "lng": lng}


def geo(metres: float = 40) -> dict[str, Any]:
    return {"method": "geo", **near(metres)}


@dataclass
class Gig:
    employer_id: str
    posting_id: str
    shifts: list[dict[str, Any]]
    boss: dict[str, str]
    etag: str = ""

    @property
    def shift_id(self) -> str:
        return str(self.shifts[0]["id"])

    @property
    def starts_at(self) -> datetime:
        return datetime.fromisoformat(self.shifts[0]["starts_at"])


async def open_gig(
    client: httpx.AsyncClient,
    boss: dict[str, str],
    now: datetime,
    *,
    booking: str = "instant",
    headcount: int = 1,
    starts_in: timedelta = timedelta(days=2),
    hours: float = 4,
    shifts: int = 1,
    gap: timedelta = timedelta(hours=6),
    pay: str = "25",
    unit: str = "hour",
    employer_id: str | None = None,
) -> Gig:
    """A published gig with `shifts` shifts, `gap` apart (gap 0: all at the same time)."""
    if employer_id is None:
        employer_id = str((await create_employer(client, boss))["id"])
    first = now + starts_in
    windows = [
        {
            "starts_at": iso(first + i * gap),
            "ends_at": iso(first + i * gap + timedelta(hours=hours)),
            "headcount": headcount,
        }
        for i in range(shifts)
    ]
    body = gig_body(
        employer_id, now, booking=booking, shifts=windows, pay={"min": pay, "unit": unit}, headcount=headcount
    )
    posting, etag = await create_posting(client, boss, body)
    opened = await publish(client, boss, posting["id"], etag)
    assert opened.status_code == 200, opened.text
    return Gig(employer_id, posting["id"], posting["shifts"], boss, opened.headers["ETag"])


async def open_job(client: httpx.AsyncClient, boss: dict[str, str]) -> dict[str, Any]:
    employer = await create_employer(client, boss)
    posting, etag = await create_posting(client, boss, job_body(employer["id"]))
    opened = await publish(client, boss, posting["id"], etag)
    assert opened.status_code == 200, opened.text
    return dict(opened.json())


async def book(
    client: httpx.AsyncClient, headers: dict[str, str], shift_id: str, **body: Any
) -> httpx.Response:
    return await client.post(f"/v1/shifts/{shift_id}/bookings", json=body, headers=headers)


async def booked(client: httpx.AsyncClient, headers: dict[str, str], shift_id: str) -> dict[str, Any]:
    response = await book(client, headers, shift_id)
    assert response.status_code == 201, response.text
    return dict(response.json()["engagement"])


async def step(
    client: httpx.AsyncClient, headers: dict[str, str], engagement_id: str, action: str, **body: Any
) -> httpx.Response:
    return await client.post(f"/v1/engagements/{engagement_id}/{action}", json=body or None, headers=headers)


async def engagement(
    client: httpx.AsyncClient, headers: dict[str, str], engagement_id: str
) -> dict[str, Any]:
    response = await client.get(f"/v1/engagements/{engagement_id}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def shift_filled(client: httpx.AsyncClient, headers: dict[str, str], gig: Gig, index: int = 0) -> int:
    response = await client.get(f"/v1/postings/{gig.posting_id}/shifts", headers=headers)
    return int(response.json()[index]["filled"])


async def worked(client: httpx.AsyncClient, worker: dict[str, str], gig: Gig, clock: Any) -> dict[str, Any]:
    """Book the gig's first shift, check in at the start and out at the end: a completed engagement."""
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at - timedelta(minutes=5))
    checked_in = await step(client, worker, taken["id"], "check-in", **geo())
    assert checked_in.status_code == 200, checked_in.text
    clock.set(datetime.fromisoformat(gig.shifts[0]["ends_at"]))
    checked_out = await step(client, worker, taken["id"], "check-out", **geo())
    assert checked_out.status_code == 200, checked_out.text
    return dict(checked_out.json())


async def feed(client: httpx.AsyncClient, headers: dict[str, str], prefix: str = "") -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = (await client.get("/v1/feed", params={"after": after, "limit": 1000}, headers=headers)).json()
        if not page["events"]:
            return [e for e in events if e["type"].startswith(prefix)]
        events += page["events"]
        after = page["next"]


async def stored_seats(app: FastAPI, shift_id: str) -> tuple[int, int]:
    """(filled, active engagements) as stored, to check the API against the database."""
    sid = uuid.UUID(shift_id)
    async with app.state.sessionmaker() as session:
        filled = await session.scalar(select(Shift.filled).where(Shift.id == sid))
        active = await session.scalar(
            select(func.count()).where(Engagement.shift_id == sid, Engagement.status.in_(ACTIVE))
        )
    return int(filled or 0), int(active or 0)


async def stored_engagements(app: FastAPI, shift_id: str) -> int:
    async with app.state.sessionmaker() as session:
        count = await session.scalar(select(func.count()).where(Engagement.shift_id == uuid.UUID(shift_id)))
    return int(count or 0)
