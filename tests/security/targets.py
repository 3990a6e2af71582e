"""What each route is called on: its path's ids, a valid body, the headers it needs (If-Match).

A route without a setup here is called on the world's shared resources (`DEFAULT_IDS`), without a body.
A route whose call changes something (`fresh` in the policy) gets a new target from its setup for every
principal allowed to call it, so each authorised call meets the state its success needs.
"""

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tests.postings.factories import employer_body, iso, job_body
from tests.postings.lifecycle.factories import geo
from tests.security.world import (
    ADMIN,
    C1,
    EMPLOYER,
    S1,
    SEEKER,
    SEEKER_A,
    STAFF,
    World,
    staff_consent,
)


@dataclass
class Target:
    path: dict[str, str] = field(default_factory=dict)
    json: Any = None
    params: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    seeker: str = SEEKER_A  # the seeker the resource belongs to ("seeker" principal's subject)
    content: bytes | None = None
    bodies: dict[str, Any] = field(default_factory=dict)  # a principal's own body, when it differs
    form: dict[str, str] | None = None  # console pages: the posted form (the CSRF token is added)


Setup = Callable[[World], Awaitable[Target]]


def shared(w: World, **over: str) -> dict[str, str]:
    """Every path parameter a route may have, on the world's shared resources."""
    ids = {
        "employer_id": w.ids["employer_id"],
        "posting_id": w.ids["posting_id"],
        "application_id": w.ids["application_id"],
        "shift_id": w.ids["shift_id"],
        "engagement_id": w.ids["engagement_id"],
        "appeal_id": w.ids["appeal_id"],
        "dispute_id": w.ids["dispute_id"],
        "sub": SEEKER_A,
        "seeker_id": SEEKER_A,
        "case_id": w.ids["case_id"],
        "household_id": w.ids["household_id"],
        "plan_id": w.ids["plan_id"],
        "alert_id": w.ids.get("alert_id", "1"),
        "override_id": w.ids["override_id"],
        "placement_id": w.ids["placement_id"],
        "station_id": S1,
        "purpose": "sensitive_for_priority_help",
        "name": "console.css",
    }
    return ids | over


def fresh_seeker_id() -> str:
    return f"s-{uuid.uuid4().hex[:10]}"


# --- postings --------------------------------------------------------------------------------------
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
    seeker = fresh_seeker_id()
    return Target(shared(w, posting_id=await w.job()), {"seeker_id": seeker}, seeker=seeker)


async def _application(w: World, body: Any = None) -> Target:
    seeker = fresh_seeker_id()
    application, _ = await w.application(seeker)
    return Target(shared(w, application_id=application), body, seeker=seeker)


async def _book(w: World) -> Target:
    seeker = fresh_seeker_id()
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


# --- matching --------------------------------------------------------------------------------------
async def _register(w: World) -> Target:
    seeker = fresh_seeker_id()
    by_staff = {
        "desired_text": "装卸工",
        "home": {"lat": 36.6665, "lng": 117.0764, "county_adcode": C1},
        "birth_year": 1985,
        "birth_month": 3,
        "seeker_id": seeker,
        "consent": staff_consent() | {"agreed_at": iso(w.now - timedelta(minutes=5))},
    }
    by_seeker = {k: v for k, v in by_staff.items() if k != "seeker_id"} | {
        "consent": {"purposes": ["matching"], "method": "app"}
    }
    return Target(json=by_staff, seeker=seeker, bodies={SEEKER: by_seeker})


async def _new_seeker(w: World) -> Target:
    seeker = await w.seeker()
    return Target(shared(w, seeker_id=seeker), seeker=seeker)


async def _seeker_etag(w: World) -> Target:
    seeker = await w.seeker()
    read = await w.matching.get(f"/v1/seekers/{seeker}", headers=w.h(ADMIN))
    body = {"max_commute_minutes": 45, "travel_mode": "bus"}
    return Target(
        shared(w, seeker_id=seeker), body, headers={"If-Match": read.headers["ETag"]}, seeker=seeker
    )


async def _put_sensitive(w: World) -> Target:
    seeker = await w.seeker()
    body = {"disability": True, "disability_level": 4, "priority_groups": ["disabled"]}
    return Target(shared(w, seeker_id=seeker), body, seeker=seeker)


async def _with_sensitive(w: World) -> Target:
    seeker = await w.seeker()
    await w.sensitive(seeker)
    return Target(shared(w, seeker_id=seeker), seeker=seeker)


async def _consent(w: World) -> Target:
    body = {
        "purposes": ["matching"],
        "method": "in_person_signed",
        "agreed_at": iso(w.now - timedelta(minutes=5)),
    }
    return Target(shared(w), body, bodies={SEEKER: {"purposes": ["matching"], "method": "app"}})


async def _lookup(w: World) -> Target:
    """A seeker with a phone of their own, so a lookup's opening of them touches nobody else."""
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    seeker = fresh_seeker_id()
    body = seeker_json(w, seeker, phone=phone)
    made = await w.matching.post("/v1/seekers", json=body, headers=w.h(STAFF))
    await w.ok(made)
    return Target(json={"phone": phone}, seeker=seeker)


def seeker_json(w: World, seeker: str, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "desired_text": "装卸工",
        "home": {"lat": 36.6665, "lng": 117.0764, "county_adcode": C1},
        "birth_year": 1985,
        "birth_month": 3,
        "seeker_id": seeker,
        "consent": staff_consent("matching", "sensitive_for_priority_help")
        | {"agreed_at": iso(w.now - timedelta(minutes=5))},
    }
    return body | over


async def _override(w: World) -> Target:
    body = {"action": "hide", "posting_id": w.ids["gig_id"], "reason": "本人不想做装卸"}
    return Target(shared(w, seeker_id=await w.seeker()), body)


async def _revoke_override(w: World) -> Target:
    seeker = await w.seeker()
    override = await w.override(seeker, w.ids["posting_id"])
    return Target(shared(w, seeker_id=seeker, override_id=override), seeker=seeker)


async def _referral(w: World) -> Target:
    seeker = await w.seeker()
    return Target(shared(w, seeker_id=seeker), {"posting_id": w.ids["posting_id"]}, seeker=seeker)


async def _case_new(w: World) -> Target:
    seeker = await w.seeker()
    body = {
        "seeker_id": seeker,
        "group": "disabled",
        "evidence": {"type": "残疾人证", "number": "37010219750601104X42"},
        "caseworker_sub": "staff-s1",
        "caseworker_name": "李老师",
        "goal": "三个月内在家附近找到坐着做的工作",
    }
    return Target(json=body, seeker=seeker)


async def _case(w: World, body: Any = None) -> Target:
    seeker = await w.seeker()
    case = await w.case(seeker)
    return Target(shared(w, case_id=case), body, seeker=seeker)


async def _case_action(w: World) -> Target:
    due = (w.now + timedelta(days=15)).date().isoformat()
    return Target(shared(w), {"due_on": due, "kind": "training", "note": "报名社区家政服务培训班"})


async def _case_contact(w: World) -> Target:
    body = {
        "channel": "station",
        "kind": "job_offer",
        "outcome": "declined",
        "decline_reason": "离家太远，要照顾老人",
        "next_contact_on": (w.now + timedelta(days=4)).date().isoformat(),
        "note": "下次推荐步行范围内的岗位",
    }
    return Target(shared(w), body)


async def _case_etag(w: World) -> Target:
    read = await w.matching.get(f"/v1/cases/{w.ids['case_id']}", headers=w.h(ADMIN))
    body = {"goal": "先参加两周的保洁技能培训，再推荐家附近的岗位"}
    return Target(shared(w), body, headers={"If-Match": read.headers["ETag"]})


async def _member(w: World) -> Target:
    seeker = await w.seeker()
    body = {
        "seeker_id": seeker,
        "consent": {"method": "in_person_signed", "agreed_at": iso(w.now - timedelta(minutes=5))},
    }
    return Target(shared(w), body, seeker=seeker)


async def _placement(w: World) -> Target:
    seeker = await w.seeker()
    placement = await w.placement(seeker)
    body = {"ended_at": iso(w.now), "reason": "contract_ended"}
    return Target(shared(w, placement_id=placement, seeker_id=seeker), body, seeker=seeker)


async def _dispatch_checkin(w: World) -> Target:
    seeker = await w.seeker()
    return Target(json={"seeker_id": seeker}, seeker=seeker)


async def _self_checkin(w: World) -> Target:
    seeker = await w.seeker()
    code = (await w.matching.get("/v1/dispatch/checkin-code", headers=w.h(STAFF))).json()["code"]
    return Target(shared(w), {"code": code}, seeker=seeker)


async def _swap(w: World) -> Target:
    """A morning plan that put two workers on two of today's shifts; the swap trades their places."""
    for hour in (3, 4):  # 08:00 and 09:00 in Shanghai
        posting, _ = await w.gig(starts_in=timedelta(hours=hour), headcount=1)
    await w.replicated(posting)
    for _ in range(2):
        seeker = await w.seeker()
        await w.ok(
            await w.matching.post("/v1/dispatch/checkins", json={"seeker_id": seeker}, headers=w.h(STAFF))
        )
    plan = await w.ok(await w.matching.post("/v1/dispatch/plans", headers=w.h(STAFF)))
    placed = [(p["seeker_id"], p["shift"]["shift_id"]) for p in plan["items"] if p.get("shift")]
    (mover, _), (other, target) = next((a, b) for a in placed for b in placed if a[1] != b[1])
    body = {"seeker_id": mover, "shift_id": target, "swap_with": other, "reason": "他住得离这个工地更近"}
    return Target(shared(w, plan_id=plan["id"]), body, form=body)


async def _plan(w: World) -> Target:
    seeker = await w.seeker()
    await w.ok(await w.matching.post("/v1/dispatch/checkins", json={"seeker_id": seeker}, headers=w.h(STAFF)))
    plan = await w.ok(await w.matching.post("/v1/dispatch/plans", headers=w.h(STAFF)))
    return Target(shared(w, plan_id=plan["id"]))


def _body(body: Any) -> Setup:
    async def setup(w: World) -> Target:
        return Target(shared(w), body)

    return setup


def _params(**params: str) -> Setup:
    async def setup(w: World) -> Target:
        return Target(shared(w), params=params)

    return setup


async def _explain(w: World) -> Target:
    return Target(params={"seeker_id": SEEKER_A, "posting_id": w.ids["posting_id"]})


SETUPS: dict[str, Setup] = {
    # postings
    "POST /v1/employers": _body(employer_body()),
    "PATCH /v1/employers/{employer_id}": lambda w: _employer_etag(w, "patch"),
    "POST /v1/employers/{employer_id}/verify": lambda w: _employer_etag(w, "verify"),
    "POST /v1/postings": lambda w: _body(job_body(w.ids["employer_id"]))(w),
    "POST /v1/postings:check": lambda w: _body(job_body(w.ids["employer_id"]))(w),
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
    "GET /v1/shifts/{shift_id}/checkin-code": _engagement_shift,
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
    "GET /v1/feed": _params(after="0", limit="1"),
    # matching
    "POST /v1/seekers": _register,
    "POST /v1/seekers/lookup": _lookup,
    "PATCH /v1/seekers/{seeker_id}": _seeker_etag,
    "DELETE /v1/seekers/{seeker_id}": _new_seeker,
    "PUT /v1/seekers/{seeker_id}/sensitive": _put_sensitive,
    "DELETE /v1/seekers/{seeker_id}/sensitive": _with_sensitive,
    "POST /v1/seekers/{seeker_id}/consents": _consent,
    "DELETE /v1/seekers/{seeker_id}/consents/{purpose}": _new_seeker,
    "POST /v1/seekers/{seeker_id}/overrides": _override,
    "DELETE /v1/seekers/{seeker_id}/overrides/{override_id}": _revoke_override,
    "POST /v1/seekers/{seeker_id}/referrals": _referral,
    "GET /v1/matches/explain": _explain,
    "POST /v1/cases": _case_new,
    "PATCH /v1/cases/{case_id}": _case_etag,
    "POST /v1/cases/{case_id}/certify": _case,
    "POST /v1/cases/{case_id}/actions": _case_action,
    "POST /v1/cases/{case_id}/contacts": _case_contact,
    "POST /v1/cases/{case_id}/close": lambda w: _case(w, {"reason": "moved_away", "note": "已迁往青岛"}),
    "POST /v1/households": _body({"county_adcode": C1}),
    "POST /v1/households/{household_id}/members": _member,
    "GET /v1/occupations": _params(q="焊工"),
    "POST /v1/placements/{placement_id}/end": _placement,
    "POST /v1/dispatch/checkins": _dispatch_checkin,
    "POST /v1/dispatch/stations/{station_id}/checkins": _self_checkin,
    "POST /v1/dispatch/plans/{plan_id}/swaps": _swap,
    "POST /v1/dispatch/plans/{plan_id}/confirm": _plan,
}


# --- console pages (forms; the CSRF token is added by the caller) ----------------------------------
def _form(**form: str) -> Setup:
    async def setup(w: World) -> Target:
        return Target(shared(w), form=form)

    return setup


async def _page_refer(w: World) -> Target:
    seeker = await w.seeker()
    form = {"target": f"posting:{w.ids['posting_id']}", "key": uuid.uuid4().hex}
    return Target(shared(w, seeker_id=seeker), form=form, seeker=seeker)


async def _page_override(w: World) -> Target:
    seeker = await w.seeker()
    form = {"posting_id": w.ids["gig_id"], "action": "hide", "reason": "本人不想做装卸"}
    return Target(shared(w, seeker_id=seeker), form=form, seeker=seeker)


async def _page_revoke(w: World) -> Target:
    target = await _revoke_override(w)
    target.form = {}
    return target


async def _page_tick(w: World) -> Target:
    seeker = await w.seeker()
    return Target(shared(w), form={"seeker_id": seeker}, seeker=seeker)


async def _page_confirm(w: World) -> Target:
    target = await _plan(w)
    target.form = {}
    return target


async def _page_close(w: World) -> Target:
    target = await _case(w)
    target.form = {"reason": "moved_away", "note": "已迁往青岛"}
    return target


async def _checkin_code(w: World) -> Target:
    """A shift starting within the hour, when its check-in code is shown."""
    _, shift = await w.gig(starts_in=timedelta(minutes=30))
    return Target(shared(w, shift_id=shift))


CONSOLE: dict[str, Setup] = {
    "POST /console/login": _form(token="{token}"),
    "POST /console/seekers/new": _form(
        step="1", desired_text="装卸工", county_adcode=C1, birth_year="1985", birth_month="3"
    ),
    "POST /console/seekers/{seeker_id}/refer": _page_refer,
    "POST /console/seekers/{seeker_id}/overrides": _page_override,
    "POST /console/seekers/{seeker_id}/overrides/{override_id}/revoke": _page_revoke,
    "POST /console/seekers/{seeker_id}/sensitive": _form(disability="1", disability_level="4"),
    "POST /console/dispatch/checkins": _page_tick,
    "POST /console/dispatch/plans/{plan_id}/confirm": _page_confirm,
    "POST /console/dispatch/plans/{plan_id}/swaps": _swap,
    "POST /console/cases/{case_id}/close": _page_close,
    "GET /console/statistics/download": _params(table="supply-demand"),
}
SETUPS |= CONSOLE
SETUPS["GET /v1/postings/{posting_id} [draft]"] = lambda w: _draft_etag(w)
SETUPS["GET /v1/shifts/{shift_id}/checkin-code"] = _checkin_code


async def target_for(w: World, route: str) -> Target:
    setup = SETUPS.get(route.split(" ", 1)[1])
    return await setup(w) if setup else Target(shared(w))
