"""Setups of the matching service's routes and the console's pages (forms: the caller adds the CSRF token)."""

import uuid
from datetime import timedelta
from typing import Any

from services.kit.uow import unit_of_work
from services.matching.privacy.models import RetentionNotice
from tests.postings.factories import iso
from tests.security.target import Setup, Target, body, fresh_seeker_id, params, shared
from tests.security.world import (
    ADMIN,
    C1,
    S1,
    SEEKER,
    SEEKER_A,
    STAFF,
    World,
    staff_consent,
)


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


async def _notice(w: World) -> Target:
    """A seeker with a pending retention notice (as the privacy sweep leaves one), to answer with keep."""
    seeker = await w.seeker()
    notice_id = uuid.uuid4()
    async with unit_of_work(w.matching_app.state.sessionmaker) as session:
        session.add(
            RetentionNotice(
                id=notice_id,
                seeker_id=seeker,
                kind="inactivity",
                last_active_at=w.now - timedelta(days=800),
                sent_at=w.now,
                erase_after=w.now + timedelta(days=30),
                status="pending",
            )
        )
    return Target(shared(w, seeker_id=seeker, notice_id=str(notice_id)), seeker=seeker)


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


async def _explain(w: World) -> Target:
    return Target(params={"seeker_id": SEEKER_A, "posting_id": w.ids["posting_id"]})


MATCHING: dict[str, Setup] = {
    "POST /v1/seekers": _register,
    "POST /v1/seekers/lookup": _lookup,
    "GET /v1/seekers:reach": params(
        seeker_id=SEEKER_A, staff_sub="staff-s1", station_id=S1, county_adcode=C1
    ),
    "PATCH /v1/seekers/{seeker_id}": _seeker_etag,
    "DELETE /v1/seekers/{seeker_id}": _new_seeker,
    "PUT /v1/seekers/{seeker_id}/sensitive": _put_sensitive,
    "DELETE /v1/seekers/{seeker_id}/sensitive": _with_sensitive,
    "POST /v1/seekers/{seeker_id}/consents": _consent,
    "DELETE /v1/seekers/{seeker_id}/consents/{purpose}": _new_seeker,
    "POST /v1/seekers/{seeker_id}/overrides": _override,
    "POST /v1/seekers/{seeker_id}/notices/{notice_id}/keep": _notice,
    "DELETE /v1/seekers/{seeker_id}/overrides/{override_id}": _revoke_override,
    "POST /v1/seekers/{seeker_id}/referrals": _referral,
    "GET /v1/matches/explain": _explain,
    "POST /v1/cases": _case_new,
    "PATCH /v1/cases/{case_id}": _case_etag,
    "POST /v1/cases/{case_id}/certify": _case,
    "POST /v1/cases/{case_id}/actions": _case_action,
    "POST /v1/cases/{case_id}/contacts": _case_contact,
    "POST /v1/cases/{case_id}/close": lambda w: _case(w, {"reason": "moved_away", "note": "已迁往青岛"}),
    "POST /v1/households": body({"county_adcode": C1}),
    "POST /v1/households/{household_id}/members": _member,
    "GET /v1/occupations": params(q="焊工"),
    "POST /v1/placements/{placement_id}/end": _placement,
    "POST /v1/dispatch/checkins": _dispatch_checkin,
    "POST /v1/dispatch/stations/{station_id}/checkins": _self_checkin,
    "POST /v1/dispatch/plans/{plan_id}/swaps": _swap,
    "POST /v1/dispatch/plans/{plan_id}/confirm": _plan,
}


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
    "GET /console/statistics/download": params(table="supply-demand"),
}
