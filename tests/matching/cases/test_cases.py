"""Opening, planning, logging and closing cases through the API."""

from collections.abc import Callable
from datetime import timedelta

import httpx
from sqlalchemy import select

from services.kit.clock import ManualClock
from services.matching.cases.calendar import china_date
from services.matching.seekers.models import SeekerAudit
from tests.matching.cases.conftest import Headers, case_body, open_case, register

Token = Callable[..., Headers]


async def test_staff_open_a_pending_case_with_the_evidence_masked(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")

    case = await open_case(matching_client, staff, "s-wang")

    assert (case["status"], case["group"], case["station_id"], case["county_adcode"]) == (
        "pending",
        "disabled",
        "st-lixia",
        "370102",
    )
    assert case["evidence_number_masked"] == "37****************42"
    assert "37010219750601104X42" not in str(case)
    assert [e["kind"] for e in case["events"]] == ["opened"]


async def test_a_seeker_without_the_sensitive_data_consent_gets_no_case(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-zhao", sensitive=False)

    response = await matching_client.post("/v1/cases", json=case_body("s-zhao"), headers=staff)

    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


async def test_every_read_of_a_case_is_in_the_seekers_audit_log(
    matching_client: httpx.AsyncClient, matching_app, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    case = await open_case(matching_client, staff, "s-wang")

    await matching_client.get(f"/v1/cases/{case['id']}", headers=staff)
    await matching_client.get("/v1/cases", headers=staff)

    async with matching_app.state.sessionmaker() as session:
        rows = (await session.scalars(select(SeekerAudit).where(SeekerAudit.seeker_id == "s-wang"))).all()
    actions = sorted(r.action for r in rows if r.action.startswith("case_"))
    assert actions == ["case_listed", "case_read", "case_read"]  # the create's answer is a read too
    assert all(r.actor_sub == "clerk-7" for r in rows if r.action.startswith("case_"))


async def test_another_countys_case_is_not_found(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers, other_staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    case = await open_case(matching_client, staff, "s-wang")

    read = await matching_client.get(f"/v1/cases/{case['id']}", headers=other_staff)
    listed = await matching_client.get("/v1/cases", headers=other_staff)
    closed = await matching_client.post(
        f"/v1/cases/{case['id']}/close",
        json={"reason": "moved_away", "note": "迁往青岛"},
        headers=other_staff,
    )

    assert read.status_code == 404
    assert listed.json()["items"] == []
    assert closed.status_code == 404


async def test_a_second_open_case_for_the_same_seeker_is_a_conflict(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    await open_case(matching_client, staff, "s-wang")

    again = await matching_client.post("/v1/cases", json=case_body("s-wang"), headers=staff)

    assert again.status_code == 409
    assert again.json()["code"] == "case_exists"


async def test_an_unknown_group_is_422(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")

    response = await matching_client.post(
        "/v1/cases", json=case_body("s-wang", group="left_handed"), headers=staff
    )

    assert response.status_code == 422
    assert response.json()["code"] == "unknown_group"


async def test_closing_without_a_reason_or_with_an_unknown_one_is_422(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    case = await open_case(matching_client, staff, "s-wang")
    url = f"/v1/cases/{case['id']}/close"

    missing = await matching_client.post(url, json={"note": "无"}, headers=staff)
    unknown = await matching_client.post(url, json={"reason": "bored", "note": "无"}, headers=staff)
    no_note = await matching_client.post(url, json={"reason": "moved_away"}, headers=staff)

    assert (missing.status_code, unknown.status_code, no_note.status_code) == (422, 422, 422)
    assert unknown.json()["code"] == "unknown_close_reason"


async def test_staff_close_a_case_with_a_reason_and_a_note_and_it_says_so(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    case = await open_case(matching_client, staff, "s-wang")

    closed = await matching_client.post(
        f"/v1/cases/{case['id']}/close", json={"reason": "moved_away", "note": "户籍迁往青岛"}, headers=staff
    )

    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["status"], body["close_reason"], body["close_note"]) == (
        "closed",
        "moved_away",
        "户籍迁往青岛",
    )
    assert body["events"][-1]["kind"] == "closed"
    assert body["events"][-1]["by"] == "clerk-7"


async def test_staff_cannot_close_a_case_as_employed_the_feed_does(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    case = await open_case(matching_client, staff, "s-wang")

    response = await matching_client.post(
        f"/v1/cases/{case['id']}/close", json={"reason": "employed", "note": "说找到工作了"}, headers=staff
    )

    assert response.status_code == 409
    assert response.json()["code"] == "employed_from_feed_only"


async def test_declined_services_closes_only_with_three_declines_in_the_log(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers, clock: ManualClock
) -> None:
    await register(matching_client, token, "s-wang")
    case = await open_case(matching_client, staff, "s-wang")
    url = f"/v1/cases/{case['id']}"
    body = {"reason": "declined_services", "note": "三次拒绝推荐岗位"}
    decline = {"kind": "job_offer", "channel": "phone", "outcome": "declined", "decline_reason": "太远"}

    await matching_client.post(
        f"{url}/contacts", json=decline | {"at": clock.now().isoformat()}, headers=staff
    )
    too_early = await matching_client.post(f"{url}/close", json=body, headers=staff)
    for _ in range(2):
        await matching_client.post(
            f"{url}/contacts", json=decline | {"at": clock.now().isoformat()}, headers=staff
        )
    closed = await matching_client.post(f"{url}/close", json=body, headers=staff)

    assert too_early.status_code == 409
    assert too_early.json()["code"] == "declines_not_recorded"
    assert closed.status_code == 200


async def test_actions_contacts_and_minimums_show_in_the_plan(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers, clock: ManualClock
) -> None:
    me = await register(matching_client, token, "s-wang")
    case = await open_case(matching_client, staff, "s-wang")
    url = f"/v1/cases/{case['id']}"
    today = china_date(clock.now())

    action = await matching_client.post(
        f"{url}/actions", json={"kind": "training", "due_on": str(today + timedelta(days=7))}, headers=staff
    )
    for kind in ("job_offer", "referral", "job_offer", "guidance"):
        clock.advance(timedelta(minutes=1))
        logged = await matching_client.post(
            f"{url}/contacts",
            json={"at": clock.now().isoformat(), "kind": kind, "channel": "station", "outcome": "accepted"},
            headers=staff,
        )
        assert logged.status_code == 201, logged.text
    read = (await matching_client.get(url, headers=staff)).json()
    own = await matching_client.get("/v1/seekers/s-wang/case", headers=me)

    assert action.status_code == 201, action.text
    minimums = read["minimums"]
    assert (minimums["job_offers"]["done"], minimums["job_offers"]["met"]) == (3, True)
    assert (minimums["guidance"]["met"], minimums["training_leads"]["met"], minimums["met"]) == (
        True,
        False,
        False,
    )
    assert [c["kind"] for c in read["contacts"]] == ["job_offer", "referral", "job_offer", "guidance"]
    assert own.status_code == 200
    assert [a["kind"] for a in own.json()["actions"]] == ["training"]
    assert "evidence_number_masked" not in own.json()


async def test_a_seeker_cannot_read_another_seekers_plan(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    await open_case(matching_client, staff, "s-wang")

    response = await matching_client.get("/v1/seekers/s-wang/case", headers=token("seeker", "s-li"))

    assert response.status_code == 404


async def test_dates_out_of_order_are_422(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers, clock: ManualClock
) -> None:
    await register(matching_client, token, "s-wang")
    today = china_date(clock.now())
    case = await open_case(matching_client, staff, "s-wang")
    url = f"/v1/cases/{case['id']}"

    future_request = await matching_client.post(
        "/v1/cases", json=case_body("s-wang", requested_on=str(today + timedelta(days=3))), headers=staff
    )
    early_action = await matching_client.post(
        f"{url}/actions", json={"kind": "guidance", "due_on": str(today - timedelta(days=3))}, headers=staff
    )
    future_contact = await matching_client.post(
        f"{url}/contacts",
        json={
            "at": (clock.now() + timedelta(days=1)).isoformat(),
            "kind": "contact",
            "channel": "phone",
            "outcome": "reached",
        },
        headers=staff,
    )

    for response in (future_request, early_action, future_contact):
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "dates_out_of_order"


async def test_overdue_certifications_are_listed(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers, clock: ManualClock
) -> None:
    await register(matching_client, token, "s-wang")
    await register(matching_client, token, "s-li")
    old = await open_case(
        matching_client, staff, "s-wang", requested_on=str(china_date(clock.now()) - timedelta(days=30))
    )
    fresh = await open_case(matching_client, staff, "s-li")

    overdue = (await matching_client.get("/v1/cases", params={"overdue": "true"}, headers=staff)).json()
    on_time = (await matching_client.get("/v1/cases", params={"overdue": "false"}, headers=staff)).json()

    assert [(c["id"], c["overdue"]) for c in overdue["items"]] == [(old["id"], ["certification"])]
    assert [c["id"] for c in on_time["items"]] == [fresh["id"]]


async def test_the_plan_changes_only_with_the_etag_that_was_read(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    case = await open_case(matching_client, staff, "s-wang")
    url = f"/v1/cases/{case['id']}"
    etag = (await matching_client.get(url, headers=staff)).headers["ETag"]
    change = {"caseworker_sub": "clerk-8", "caseworker_name": "张老师"}

    missing = await matching_client.patch(url, json=change, headers=staff)
    changed = await matching_client.patch(url, json=change, headers=staff | {"If-Match": etag})
    stale = await matching_client.patch(url, json={"goal": "先参加培训"}, headers=staff | {"If-Match": etag})

    assert (missing.status_code, changed.status_code, stale.status_code) == (428, 200, 412)
    assert (changed.json()["caseworker_name"], changed.json()["events"][-1]["kind"]) == (
        "张老师",
        "plan_changed",
    )


async def test_cases_are_filtered_by_status_and_group(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    await register(matching_client, token, "s-li")
    disabled = await open_case(matching_client, staff, "s-wang")
    veteran = await open_case(matching_client, staff, "s-li", group="veteran")
    await matching_client.post(f"/v1/cases/{veteran['id']}/certify", headers=staff)

    by_group = await matching_client.get("/v1/cases", params={"group": "disabled"}, headers=staff)
    by_status = await matching_client.get("/v1/cases", params={"status": "active"}, headers=staff)
    bad = await matching_client.get("/v1/cases", params={"status": "lost"}, headers=staff)

    assert [c["id"] for c in by_group.json()["items"]] == [disabled["id"]]
    assert [c["id"] for c in by_status.json()["items"]] == [veteran["id"]]
    assert bad.status_code == 422


async def test_staff_cannot_open_a_case_for_a_seeker_beyond_their_reach(
    matching_client: httpx.AsyncClient, token: Token, other_staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")  # lives in 历下区

    response = await matching_client.post("/v1/cases", json=case_body("s-wang"), headers=other_staff)

    assert response.status_code == 404
    assert response.json()["code"] == "seeker_not_found"
