"""Setups of the postings service's routes: a fresh resource in the state the call needs, and a body."""

import json
import uuid
from datetime import timedelta
from typing import Any

from tests.postings.factories import employer_body, iso, job_body
from tests.postings.lifecycle.factories import geo
from tests.security.target import Setup, Target, body, fresh_seeker_id, params, shared
from tests.security.world import (
    EMPLOYER,
    World,
)


async def _employer_etag(w: World, action: str) -> Target:
    made = await w.postings.post("/v1/employers", json=employer_body(), headers=w.h(EMPLOYER))
    body = {"name": "济南鲁焊机械股份有限公司"} if action == "patch" else {"verified": True}
    return Target(shared(w, employer_id=made.json()["id"]), body, headers={"If-Match": made.headers["ETag"]})


async def _draft_etag(w: World, body: Any = None) -> Target:
    posting_id, etag = await w.draft()
    return Target(shared(w, posting_id=posting_id), body, headers={"If-Match": etag})


async def _published_etag(w: World) -> Target:
    posting_id, etag = await w.draft()
    published = await w.postings.post(
        f"/v1/postings/{posting_id}/publish", headers=w.h(EMPLOYER) | {"If-Match": etag}
    )
    return Target(shared(w, posting_id=posting_id), headers={"If-Match": published.headers["ETag"]})


async def _apply(w: World) -> Target:
    seeker = await w.seeker()  # registered at S1 of C1: its staff, and C1's, reach them
    return Target(shared(w, posting_id=await w.job()), {"seeker_id": seeker}, seeker=seeker)


async def _application(w: World, body: Any = None) -> Target:
    seeker = fresh_seeker_id()
    application, _ = await w.application(seeker)
    return Target(shared(w, application_id=application), body, seeker=seeker)


async def _book(w: World) -> Target:
    seeker = await w.seeker()
    _, shift = await w.gig()
    return Target(shared(w, shift_id=shift), {"seeker_id": seeker}, seeker=seeker)


async def _cancel_shift(w: World) -> Target:
    _, shift = await w.gig()
    return Target(shared(w, shift_id=shift), {"reason": "工地停工"})


async def _engagement(w: World, stage: str, body: Any = None) -> Target:
    seeker = fresh_seeker_id()
    if stage == "booked":
        engagement, _ = await w.booking(seeker)
    elif stage == "at_work":
        engagement, _ = await w.booking(seeker)
        w.clock.set(w.base + timedelta(days=2) - timedelta(minutes=5))
    elif stage == "checked_in":
        engagement, starts = await w.checked_in(seeker)
        w.clock.set(starts + timedelta(hours=4))
    elif stage == "checked_out":
        engagement = await w.checked_out(seeker)
    elif stage == "confirmed":
        engagement = await w.confirmed(seeker)
    elif stage == "overdue":
        engagement = await w.confirmed(seeker)
        w.clock.advance(timedelta(hours=25))
    else:  # cancelled late
        engagement = await w.cancelled_late(seeker)
    return Target(shared(w, engagement_id=engagement), body, seeker=seeker)


async def _appeal(w: World) -> Target:
    seeker = fresh_seeker_id()
    appeal = await w.appeal(seeker)
    return Target(shared(w, appeal_id=appeal), {"note": "已核实"}, seeker=seeker)


async def _dispute(w: World) -> Target:
    seeker = fresh_seeker_id()
    dispute = await w.dispute(seeker)
    body = {"resolution": "paid", "note": "站点协调后已足额支付"}
    return Target(shared(w, dispute_id=dispute), body, seeker=seeker)


async def _erasure(w: World) -> Target:
    """A seeker of their own (an erasure changes what the world's seeker holds), with a pseudonym."""
    seeker = fresh_seeker_id()
    pseudonym = "erased-" + uuid.uuid4().hex
    return Target(shared(w, seeker_id=seeker), {"pseudonym": pseudonym}, seeker=seeker)


async def _import(w: World) -> Target:
    row = {
        "external_id": uuid.uuid4().hex,
        "employer_name": "济南鲁焊机械有限公司",
        **job_body(w.ids["employer_id"]),
    }
    row.pop("employer_id")
    return Target(params={"source": "matrix", "filename": "rows.jsonl"}, content=json.dumps(row).encode())


async def _shift_example(w: World) -> Target:
    start = w.now + timedelta(days=5)
    body = {"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=4)), "headcount": 1}
    return Target(shared(w, posting_id=w.ids["gig_id"]), body)


async def _engagement_shift(w: World) -> Target:
    return Target(shared(w, shift_id=w.ids["engagement_shift"]))


async def _gig(w: World) -> Target:
    return Target(shared(w, posting_id=w.ids["gig_id"]))


async def _application_posting(w: World) -> Target:
    return Target(shared(w, posting_id=w.ids["application_posting"]))


async def _checkin_code(w: World) -> Target:
    """A shift starting within the hour, when its check-in code is shown."""
    _, shift = await w.gig(starts_in=timedelta(minutes=30))
    return Target(shared(w, shift_id=shift))


POSTINGS: dict[str, Setup] = {
    "POST /v1/employers": body(employer_body()),
    "PATCH /v1/employers/{employer_id}": lambda w: _employer_etag(w, "patch"),
    "POST /v1/employers/{employer_id}/verify": lambda w: _employer_etag(w, "verify"),
    "POST /v1/postings": lambda w: body(job_body(w.ids["employer_id"]))(w),
    "POST /v1/postings:check": lambda w: body(job_body(w.ids["employer_id"]))(w),
    "PATCH /v1/postings/{posting_id}": lambda w: _draft_etag(w, {"title": "电焊工（长期）"}),
    "POST /v1/postings/{posting_id}/publish": _draft_etag,
    "POST /v1/postings/{posting_id}/pause": _published_etag,
    "POST /v1/postings/{posting_id}/close": _published_etag,
    "POST /v1/postings/{posting_id}/shifts": _shift_example,
    "GET /v1/postings/{posting_id}/shifts": _gig,
    "POST /v1/postings/{posting_id}/applications": _apply,
    "GET /v1/postings/{posting_id}/applications": _application_posting,
    "POST /v1/applications/{application_id}/accept": _application,
    "POST /v1/applications/{application_id}/reject": lambda w: _application(w, {"reason": "岗位已招满"}),
    "POST /v1/applications/{application_id}/withdraw": _application,
    "POST /v1/shifts/{shift_id}/bookings": _book,
    "GET /v1/shifts/{shift_id}/engagements": _engagement_shift,
    "POST /v1/shifts/{shift_id}/cancel": _cancel_shift,
    "POST /v1/engagements/{engagement_id}/check-in": lambda w: _engagement(w, "at_work", geo()),
    "POST /v1/engagements/{engagement_id}/check-out": lambda w: _engagement(w, "checked_in", geo()),
    "POST /v1/engagements/{engagement_id}/confirm": lambda w: _engagement(w, "checked_out"),
    "POST /v1/engagements/{engagement_id}/paid": lambda w: _engagement(w, "confirmed"),
    "POST /v1/engagements/{engagement_id}/not-paid": lambda w: _engagement(w, "overdue", {"note": "未付"}),
    "POST /v1/engagements/{engagement_id}/cancel": lambda w: _engagement(w, "booked", {"reason": "有急事"}),
    "POST /v1/engagements/{engagement_id}/ratings": lambda w: _engagement(w, "confirmed", {"stars": 5}),
    "POST /v1/engagements/{engagement_id}/appeal": lambda w: _engagement(w, "late", {"reason": "急病"}),
    "POST /v1/appeals/{appeal_id}/uphold": _appeal,
    "POST /v1/appeals/{appeal_id}/reject": _appeal,
    "POST /v1/disputes/{dispute_id}/resolve": _dispute,
    "POST /v1/imports": _import,
    "POST /v1/seekers/{seeker_id}/erasure": _erasure,
    "GET /v1/feed": params(after="0", limit="1"),
    "GET /v1/postings/{posting_id} [draft]": lambda w: _draft_etag(w),
    "GET /v1/shifts/{shift_id}/checkin-code": _checkin_code,
}
