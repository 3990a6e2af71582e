"""The matrix's world: both apps wired as in production (matching follows the postings feed and calls
postings over HTTP), the resources each route needs, and the principals who call.

`World.build` makes the shared resources once per module through the public API: employer A's job,
draft and gig, seeker A (registered at station S1 of county C1) with an application, an engagement, a
case, a household, a referral, a dispatch check-in and plan, a placement. Routes that change state get
a fresh resource per allowed caller from its setup (`postings_targets.py`, `matching_targets.py`).
"""

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from services.kit.auth import mint_token
from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.kit.uow import unit_of_work
from services.matching.cases.config import get_cases_settings
from services.matching.households import alerts
from tests.matching.seekers.conftest import id_number
from tests.postings.factories import create_employer, create_posting, gig_body, iso, job_body, publish
from tests.postings.lifecycle.factories import geo

C1, C2 = "370102", "370202"  # 济南 历下区 (the seeker's and the postings' county), 青岛 市南区
S1, S2, S9 = "st-lixia-1", "st-lixia-2", "st-shinan-9"
LIXIA = {"lat": 36.6665, "lng": 117.0764, "county_adcode": C1}
SHINAN = {"lat": 36.0671, "lng": 120.3826, "county_adcode": C2}
SEEKER_A, SEEKER_B = "seeker-a", "seeker-b"
EMPLOYER_A, EMPLOYER_B = "employer-a", "employer-b"

ANONYMOUS = "anonymous"
SEEKER = "seeker"  # the seeker the resource belongs to
SEEKER_OTHER = "seeker_other"
EMPLOYER = "employer"  # the employer the resource belongs to
EMPLOYER_OTHER = "employer_other"
STAFF = "staff"  # station S1, county C1: where the seeker registered and the postings are
STAFF_STATION2 = "staff_station2"  # another station of the same county
STAFF_FAR = "staff_far"  # a station of another county
ADMIN = "admin"
SERVICE = "service"
PRINCIPALS = (
    ANONYMOUS,
    SEEKER,
    SEEKER_OTHER,
    EMPLOYER,
    EMPLOYER_OTHER,
    STAFF,
    STAFF_STATION2,
    STAFF_FAR,
    ADMIN,
    SERVICE,
)


def staff_consent(*purposes: str) -> dict[str, Any]:
    return {"purposes": list(purposes or ("matching",)), "method": "in_person_signed", "agreed_at": None}


def seeker_body(seeker_id: str, home: dict[str, Any], **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "desired_text": "电焊工，装卸工",
        "occupation_codes": ["6-18-02-04"],
        "home": home,
        "travel_mode": "bus",
        "max_commute_minutes": 60,
        "certificates": ["焊工证"],
        "kinds": ["job", "gig"],
        "birth_year": 1975,
        "birth_month": 6,
        "seeker_id": seeker_id,
    }
    body.update(over)
    return body


@dataclass
class World:
    postings: httpx.AsyncClient
    matching: httpx.AsyncClient
    postings_app: FastAPI
    matching_app: FastAPI
    clock: ManualClock
    auth: AuthSettings
    base: datetime
    ids: dict[str, str] = field(default_factory=dict)

    # --- who calls -------------------------------------------------------------------------------
    def bearer(self, role: str, sub: str, station: str | None = None, county: str | None = None) -> str:
        extra = {"county_adcode": county} if county else None
        return mint_token(self.auth, role, sub, station_id=station, extra=extra)

    def token_of(self, principal: str, seeker: str = SEEKER_A) -> str | None:
        """The bearer token of one kind of principal (None: anonymous); `seeker` is the owner seeker."""
        match principal:
            case "anonymous":
                return None
            case "seeker":
                return self.bearer("seeker", seeker)
            case "seeker_other":
                return self.bearer("seeker", SEEKER_B)
            case "employer":
                return self.bearer("employer", EMPLOYER_A)
            case "employer_other":
                return self.bearer("employer", EMPLOYER_B)
            case "staff":
                return self.bearer("staff", "staff-s1", S1, C1)
            case "staff_station2":
                return self.bearer("staff", "staff-s2", S2, C1)
            case "staff_far":
                return self.bearer("staff", "staff-far", S9, C2)
            case "admin":
                return self.bearer("admin", "admin-1")
            case "service":
                return self.bearer("service", "matching")
        raise KeyError(principal)

    def h(self, principal: str, seeker: str = SEEKER_A) -> dict[str, str]:
        token = self.token_of(principal, seeker)
        return {"Authorization": f"Bearer {token}"} if token else {}

    # --- building blocks, through the public API --------------------------------------------------
    async def ok(self, response: httpx.Response) -> dict[str, Any]:
        assert 200 <= response.status_code < 300, (response.request.url, response.text)
        return dict(response.json()) if response.content else {}

    async def employer(self, owner: str = EMPLOYER) -> str:
        return str((await create_employer(self.postings, self.h(owner)))["id"])

    async def draft(self, kind: str = "job") -> tuple[str, str]:
        boss = self.h(EMPLOYER)
        body = (
            job_body(self.ids["employer_id"])
            if kind == "job"
            else gig_body(self.ids["employer_id"], self.now)
        )
        posting, etag = await create_posting(self.postings, boss, body)
        return str(posting["id"]), etag

    async def job(self) -> str:
        posting_id, etag = await self.draft("job")
        await self.ok(await publish(self.postings, self.h(EMPLOYER), posting_id, etag))
        return posting_id

    async def gig(self, starts_in: timedelta = timedelta(days=2), headcount: int = 2) -> tuple[str, str]:
        """A published instant gig with one four-hour shift: (posting id, shift id)."""
        start = self.now + starts_in
        shifts = [
            {"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=4)), "headcount": headcount}
        ]
        body = gig_body(self.ids["employer_id"], self.now, shifts=shifts, headcount=headcount)
        posting, etag = await create_posting(self.postings, self.h(EMPLOYER), body)
        await self.ok(await publish(self.postings, self.h(EMPLOYER), posting["id"], etag))
        return str(posting["id"]), str(posting["shifts"][0]["id"])

    async def application(self, seeker: str = SEEKER_A) -> tuple[str, str]:
        """(application id, job id): the seeker applied to a fresh job."""
        job = await self.job()
        made = await self.postings.post(
            f"/v1/postings/{job}/applications", json={}, headers=self.h(SEEKER, seeker)
        )
        return str((await self.ok(made))["id"]), job

    async def booking(
        self, seeker: str = SEEKER_A, starts_in: timedelta = timedelta(days=2)
    ) -> tuple[str, str]:
        """(engagement id, shift id) of a fresh gig the seeker booked (one seeker's shifts never overlap)."""
        _, shift = await self.gig(starts_in)
        made = await self.postings.post(
            f"/v1/shifts/{shift}/bookings", json={}, headers=self.h(SEEKER, seeker)
        )
        return str((await self.ok(made))["engagement"]["id"]), shift

    async def step(
        self, engagement: str, action: str, principal: str = SEEKER, seeker: str = SEEKER_A, **body: Any
    ) -> None:
        url = f"/v1/engagements/{engagement}/{action}"
        await self.ok(await self.postings.post(url, json=body or None, headers=self.h(principal, seeker)))

    async def checked_in(self, seeker: str) -> tuple[str, datetime]:
        """An engagement of `seeker` checked in (the clock is left five minutes before the start)."""
        starts = self.now + timedelta(days=2)
        engagement, _ = await self.booking(seeker)
        self.clock.set(starts - timedelta(minutes=5))
        await self.step(engagement, "check-in", seeker=seeker, **geo())
        return engagement, starts

    async def checked_out(self, seeker: str) -> str:
        """An engagement of `seeker` worked from start to end (the clock is left at the shift's end)."""
        engagement, starts = await self.checked_in(seeker)
        self.clock.set(starts + timedelta(hours=4))
        await self.step(engagement, "check-out", seeker=seeker, **geo())
        return engagement

    async def confirmed(self, seeker: str) -> str:
        engagement = await self.checked_out(seeker)
        await self.step(engagement, "confirm", EMPLOYER)
        return engagement

    async def cancelled_late(self, seeker: str) -> str:
        engagement, _ = await self.booking(seeker, starts_in=timedelta(hours=5))
        await self.step(engagement, "cancel", seeker=seeker)
        return engagement

    async def appeal(self, seeker: str) -> str:
        engagement = await self.cancelled_late(seeker)
        made = await self.postings.post(
            f"/v1/engagements/{engagement}/appeal", json={"reason": "急病"}, headers=self.h(SEEKER, seeker)
        )
        return str((await self.ok(made))["id"])

    async def unpaid(self, seeker: str) -> str:
        """A confirmed engagement the seeker reported not paid (the clock a day past its end)."""
        engagement = await self.confirmed(seeker)
        self.clock.advance(timedelta(hours=25))
        await self.step(engagement, "not-paid", seeker=seeker)
        return engagement

    async def dispute(self, seeker: str) -> str:
        engagement = await self.unpaid(seeker)
        rows = (await self.postings.get("/v1/disputes", headers=self.h(ADMIN))).json()["items"]
        return str(next(d["id"] for d in rows if d["engagement_id"] == engagement))

    async def seeker(
        self, seeker_id: str | None = None, *, by: str = STAFF, home: dict[str, Any] = LIXIA
    ) -> str:
        """A seeker registered (by staff of S1 unless `by` is seeker) with the sensitive-data consent."""
        seeker_id = seeker_id or f"s-{uuid.uuid4().hex[:10]}"
        body = seeker_body(seeker_id, home)
        if by == SEEKER:
            body.pop("seeker_id")
            body["consent"] = {"purposes": ["matching", "sensitive_for_priority_help"], "method": "app"}
        else:
            body["consent"] = staff_consent("matching", "sensitive_for_priority_help") | {
                "agreed_at": iso(self.now - timedelta(minutes=5))
            }
        await self.ok(await self.matching.post("/v1/seekers", json=body, headers=self.h(by, seeker_id)))
        return seeker_id

    async def sensitive(self, seeker_id: str) -> None:
        body = {
            "disability": True,
            "disability_level": 4,
            "id_number": id_number(seq=f"{hash(seeker_id) % 900 + 100}"),
        }
        made = await self.matching.put(f"/v1/seekers/{seeker_id}/sensitive", json=body, headers=self.h(STAFF))
        await self.ok(made)

    async def case(self, seeker_id: str) -> str:
        body = {
            "seeker_id": seeker_id,
            "group": "disabled",
            "evidence": {"type": "残疾人证", "number": "37010219750601104X42"},
            "caseworker_sub": "staff-s1",
            "caseworker_name": "李老师",
            "goal": "三个月内在家附近找到坐着做的工作",
        }
        return str(
            (await self.ok(await self.matching.post("/v1/cases", json=body, headers=self.h(STAFF))))["id"]
        )

    async def household(self) -> str:
        made = await self.matching.post("/v1/households", json={"county_adcode": C1}, headers=self.h(STAFF))
        return str((await self.ok(made))["id"])

    async def alert(self, household_id: str) -> str:
        """The household gets a member out of work; a year later its zero-employment alert is raised."""
        member = await self.seeker()
        body = {"seeker_id": member, "consent": {"method": "in_person_signed", "agreed_at": iso(self.now)}}
        url = f"/v1/households/{household_id}/members"
        await self.ok(await self.matching.post(url, json=body, headers=self.h(STAFF)))
        async with unit_of_work(self.matching_app.state.sessionmaker) as session:
            await alerts.raise_due(session, get_cases_settings(), self.now + timedelta(days=400))
        listed = (await self.matching.get("/v1/households/alerts", headers=self.h(ADMIN))).json()
        return str(listed[0]["id"])

    async def override(self, seeker_id: str, posting_id: str) -> str:
        body = {"action": "pin", "posting_id": posting_id, "reason": "本人希望就近工作"}
        made = await self.matching.post(
            f"/v1/seekers/{seeker_id}/overrides", json=body, headers=self.h(STAFF)
        )
        return str((await self.ok(made))["id"])

    async def referral(self, seeker_id: str, posting_id: str) -> str:
        url = f"/v1/seekers/{seeker_id}/referrals"
        made = await self.matching.post(url, json={"posting_id": posting_id}, headers=self.h(STAFF))
        return str((await self.ok(made))["id"])

    async def replicated(self, posting_id: str) -> None:
        """Wait until matching's replica holds the posting (the feed is followed in the background)."""
        for _ in range(500):
            found = await self.matching.get(f"/v1/postings/{posting_id}/candidates", headers=self.h(ADMIN))
            if found.status_code == 200:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"posting {posting_id} never reached matching's replica")

    async def placement(self, seeker_id: str) -> str:
        """A placement of the seeker: staff refer them to a job, the employer accepts, the feed tells."""
        job = await self.job()
        url = f"/v1/postings/{job}/applications"
        applied = await self.postings.post(url, json={"seeker_id": seeker_id}, headers=self.h(STAFF))
        application = (await self.ok(applied))["id"]
        await self.ok(
            await self.postings.post(f"/v1/applications/{application}/accept", headers=self.h(EMPLOYER))
        )
        for _ in range(500):
            rows = await self.matching.get(f"/v1/seekers/{seeker_id}/placements", headers=self.h(ADMIN))
            if rows.status_code == 200 and rows.json():
                return str(rows.json()[0]["id"])
            await asyncio.sleep(0.01)
        raise AssertionError("the placement never reached matching")

    async def plan(self) -> str:
        await self.ok(
            await self.matching.post(
                "/v1/dispatch/checkins", json={"seeker_id": SEEKER_A}, headers=self.h(STAFF)
            )
        )
        return str(
            (await self.ok(await self.matching.post("/v1/dispatch/plans", headers=self.h(STAFF))))["id"]
        )

    @property
    def now(self) -> datetime:
        return self.clock.now()

    async def build(self) -> None:
        """The shared resources, owned by employer A, seeker A, station S1."""
        ids = self.ids
        ids["employer_id"] = await self.employer(EMPLOYER)
        ids["other_employer_id"] = await self.employer(EMPLOYER_OTHER)
        ids["posting_id"] = await self.job()
        ids["draft_id"], _ = await self.draft()
        ids["gig_id"], ids["shift_id"] = await self.gig()
        await self.seeker(SEEKER_A)
        await self.seeker(SEEKER_B, by=SEEKER, home=SHINAN)
        await self.sensitive(SEEKER_A)
        ids["seeker_id"] = SEEKER_A
        ids["application_id"], ids["application_posting"] = await self.application()
        ids["engagement_id"], ids["engagement_shift"] = await self.booking(starts_in=timedelta(days=3))
        ids["appeal_id"] = await self.appeal(SEEKER_A)
        self.clock.set(self.base)
        ids["dispute_id"] = await self.dispute(SEEKER_A)
        self.clock.set(self.base)
        ids["case_id"] = await self.case(SEEKER_A)
        ids["household_id"] = await self.household()
        ids["alert_id"] = await self.alert(ids["household_id"])
        await self.replicated(ids["posting_id"])
        ids["override_id"] = await self.override(SEEKER_A, ids["posting_id"])
        ids["referral_id"] = await self.referral(SEEKER_A, ids["posting_id"])
        ids["placement_id"] = await self.placement(SEEKER_A)
        ids["plan_id"] = await self.plan()
        for station_staff in (STAFF_STATION2, STAFF_FAR):  # every station has someone to dispatch
            walk_in = await self.seeker(
                by=station_staff, home=LIXIA if station_staff == STAFF_STATION2 else SHINAN
            )
            tick = {"seeker_id": walk_in}
            await self.ok(
                await self.matching.post("/v1/dispatch/checkins", json=tick, headers=self.h(station_staff))
            )
        self.clock.set(self.base)
