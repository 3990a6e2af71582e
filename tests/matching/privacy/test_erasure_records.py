"""What erasure does beyond the profile: a case (帮扶台账) keeps its pseudonymous skeleton for the
statutory record and statistics, household membership ends, other rows keep only a pseudonym."""

import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import ManualClock
from services.matching.impressions.models import Impression
from services.matching.privacy.config import PrivacySettings
from services.matching.referrals.models import Referral
from tests.matching.cases.conftest import open_case
from tests.matching.cases.conftest import register as register_in_lixia
from tests.matching.households.conftest import household
from tests.matching.privacy.conftest import Headers, Token

EVIDENCE = "37010219750601104X42"
NOTE = "王小明说腿脚不便，住在拳铺镇"


def lixia_staff(token: Token) -> Headers:
    return token("staff", "clerk-7", station="st-lixia", county="370102")


async def case_with_a_contact(client: httpx.AsyncClient, token: Token, seeker_id: str) -> str:
    staff = lixia_staff(token)
    case = await open_case(client, staff, seeker_id, goal=f"{NOTE}，三个月内就业")
    contact = await client.post(
        f"/v1/cases/{case['id']}/contacts",
        json={
            "kind": "job_offer",
            "channel": "station",
            "outcome": "declined",
            "decline_reason": NOTE,
            "note": NOTE,
        },
        headers=staff,
    )
    assert contact.status_code == 201, contact.text
    return str(case["id"])


async def test_an_erased_seekers_case_keeps_its_skeleton_without_what_identifies_them(
    matching: httpx.AsyncClient, token: Token
) -> None:
    me = await register_in_lixia(matching, token, "s-li")
    case_id = await case_with_a_contact(matching, token, "s-li")

    erased = await matching.delete("/v1/seekers/s-li", headers=me)
    case = (await matching.get(f"/v1/cases/{case_id}", headers=lixia_staff(token))).json()

    assert erased.status_code == 204
    assert case["seeker_id"].startswith("erased-")
    assert (case["group"], case["county_adcode"], case["status"], case["close_reason"]) == (
        "disabled",
        "370102",
        "closed",
        "erased",
    )
    assert case["evidence_number_masked"] == "(erased)"
    assert case["goal"] == "(erased)"
    assert [(c["note"], c["decline_reason"], c["outcome"]) for c in case["contacts"]] == [
        (None, None, "declined")
    ]
    assert "erased" in [e["kind"] for e in case["events"]]
    assert NOTE not in str(case)


async def test_erasure_leaves_no_evidence_number_or_note_in_the_case_tables(
    matching: httpx.AsyncClient, token: Token, session: AsyncSession
) -> None:
    me = await register_in_lixia(matching, token, "s-li")
    await case_with_a_contact(matching, token, "s-li")

    await matching.delete("/v1/seekers/s-li", headers=me)
    rows = [
        (await session.execute(text(f"SELECT * FROM {table}"))).all()  # noqa: S608 - fixed table names
        for table in ("cases", "case_actions", "case_contacts", "case_events")
    ]

    assert "s-li" not in str(rows)
    assert NOTE not in str(rows)
    assert (await session.execute(text("SELECT evidence_number_cipher FROM cases"))).scalar_one() == b""


async def test_the_pseudonym_does_not_follow_a_new_registration_under_the_same_id(
    matching: httpx.AsyncClient, token: Token
) -> None:
    me = await register_in_lixia(matching, token, "s-li")
    await case_with_a_contact(matching, token, "s-li")
    await matching.delete("/v1/seekers/s-li", headers=me)

    await register_in_lixia(matching, token, "s-li")
    plan = await matching.get("/v1/seekers/s-li/case", headers=me)
    reopened = await open_case(matching, lixia_staff(token), "s-li")

    assert plan.status_code == 404
    assert reopened["status"] == "pending"


async def test_erasure_ends_household_membership_and_recomputes_the_household(
    matching: httpx.AsyncClient, token: Token
) -> None:
    me = await register_in_lixia(matching, token, "s-wang")
    await register_in_lixia(matching, token, "s-wang-wife")
    made = await household(matching, lixia_staff(token), "s-wang", "s-wang-wife")

    await matching.delete("/v1/seekers/s-wang", headers=me)
    after = (await matching.get(f"/v1/households/{made['id']}", headers=lixia_staff(token))).json()

    assert [m["seeker_id"] for m in after["members"]] == ["s-wang-wife"]
    assert after["status"] == "zero"


async def test_the_last_member_erased_leaves_a_household_with_nobody_at_zero(
    matching: httpx.AsyncClient, token: Token
) -> None:
    me = await register_in_lixia(matching, token, "s-wang")
    made = await household(matching, lixia_staff(token), "s-wang")

    await matching.delete("/v1/seekers/s-wang", headers=me)
    after = (await matching.get(f"/v1/households/{made['id']}", headers=lixia_staff(token))).json()

    assert (after["members"], after["status"]) == ([], "none")


async def test_a_case_skeleton_is_deleted_past_the_configured_records_period(
    matching: httpx.AsyncClient,
    token: Token,
    matching_app: FastAPI,
    privacy_settings: PrivacySettings,
    fixed_clock: ManualClock,
) -> None:
    me = await register_in_lixia(matching, token, "s-li")
    case_id = await case_with_a_contact(matching, token, "s-li")
    await matching.delete("/v1/seekers/s-li", headers=me)
    matching_app.state.privacy_sweeper.settings = privacy_settings.model_copy(update={"case_keep_days": 3650})
    fixed_clock.advance(timedelta(days=3000))
    await matching_app.state.privacy_sweeper.run_once()
    kept = await matching.get(f"/v1/cases/{case_id}", headers=lixia_staff(token))
    fixed_clock.advance(timedelta(days=700))

    report = await matching_app.state.privacy_sweeper.run_once()
    gone = await matching.get(f"/v1/cases/{case_id}", headers=lixia_staff(token))

    assert kept.status_code == 200
    assert report.purged["cases"] == 1
    assert gone.status_code == 404


def _shown(seeker_id: str, viewer_id: str, clock: ManualClock) -> Impression:
    return Impression(
        id=uuid.uuid4(),
        request_id="r-1",
        surface="matches",
        viewer_role="seeker",
        viewer_id=viewer_id,
        seeker_id=seeker_id,
        posting_id=uuid.uuid4(),
        position=1,
        score=0.5,
        factors={"distance": 0.5},
        ranker="hand-1",
        shown_at=clock.now(),
    )


async def test_erasure_moves_the_seekers_referrals_and_impressions_to_the_pseudonym_and_no_one_elses(
    matching: httpx.AsyncClient, token: Token, session: AsyncSession, clock: ManualClock
) -> None:
    me = await register_in_lixia(matching, token, "s-li")
    referral = Referral(
        id=uuid.uuid4(),
        staff_sub="clerk-7",
        seeker_id="s-li",
        posting_id=uuid.uuid4(),
        outcome="applied",
        idempotency_key="k-1",
        created_at=clock.now(),
    )
    mine, theirs = _shown("s-li", "s-li", clock), _shown("s-other", "s-other", clock)
    ids = (referral.id, referral.posting_id, mine.id, theirs.id)
    session.add_all([referral, mine, theirs])
    await session.commit()

    await matching.delete("/v1/seekers/s-li", headers=me)
    session.expunge_all()
    moved = await session.get(Referral, ids[0])
    shown = {row.id: row for row in (await session.scalars(select(Impression))).all()}

    assert moved is not None
    assert moved.seeker_id.startswith("erased-")
    assert (moved.idempotency_key, moved.outcome, moved.posting_id) == ("k-1", "applied", ids[1])
    assert (shown[ids[2]].seeker_id, shown[ids[2]].viewer_id) == (moved.seeker_id, moved.seeker_id)
    assert shown[ids[2]].factors == {"distance": 0.5}
    assert (shown[ids[3]].seeker_id, shown[ids[3]].viewer_id) == ("s-other", "s-other")
