"""The export of everything held about a seeker, through the API, with a real postings service."""

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.matching.privacy.conftest import ID_NUMBER, PHONE, Headers, Token, register_full
from tests.matching.referrals.conftest import open_job
from tests.matching.seekers.conftest import seeker_body, staff_consent

SECTIONS = {
    "profile",
    "sensitive",
    "consents",
    "access_log",
    "matches_shown",
    "referrals",
    "dispatch",
    "cases",
    "household",
    "placements",
    "applications",
    "engagements",
    "retention_notices",
}


async def export(client: httpx.AsyncClient, seeker_id: str, headers: Headers) -> dict[str, Any]:
    response = await client.get(f"/v1/seekers/{seeker_id}/export", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_seeker_downloads_one_versioned_document_with_every_section(
    matching: httpx.AsyncClient, token: Token
) -> None:
    me = await register_full(matching, token, "seeker-1")

    doc = await export(matching, "seeker-1", me)

    assert (doc["format"], doc["version"], doc["seeker_id"]) == ("lingong.seeker-export", 1, "seeker-1")
    assert doc["generated_at"]
    assert set(doc["sections"]) == SECTIONS
    assert (doc["complete"], doc["missing"]) == (True, [])


async def test_the_seeker_gets_their_own_phone_and_id_number_in_full(
    matching: httpx.AsyncClient, token: Token
) -> None:
    me = await register_full(matching, token, "seeker-1")

    doc = await export(matching, "seeker-1", me)

    assert doc["sections"]["profile"]["data"]["phone"] == PHONE
    assert doc["sections"]["sensitive"]["data"]["id_number"] == ID_NUMBER
    assert doc["sections"]["sensitive"]["data"]["health_notes"]


async def test_staff_exporting_for_a_seeker_get_contact_and_id_number_masked(
    matching: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register_full(matching, token, "seeker-1")

    doc = await export(matching, "seeker-1", staff)

    assert PHONE not in str(doc)
    assert ID_NUMBER not in str(doc)
    assert doc["sections"]["profile"]["data"]["phone"] == "138****1234"
    assert doc["sections"]["sensitive"]["data"]["id_number"].startswith("370")
    assert doc["requested_by"] == {"role": "staff", "station_id": "station-liangshan-1"}


async def test_staff_see_no_sensitive_facts_once_the_seeker_withdrew_that_consent(
    matching: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    me = await register_full(matching, token, "seeker-1")
    await matching.delete("/v1/seekers/seeker-1/consents/sensitive_for_priority_help", headers=me)

    doc = await export(matching, "seeker-1", staff)

    assert doc["sections"]["sensitive"]["status"] == "withheld"
    assert doc["sections"]["sensitive"]["data"] is None


async def test_an_export_by_staff_is_in_the_seekers_access_log(
    matching: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    me = await register_full(matching, token, "seeker-1")
    await export(matching, "seeker-1", staff)

    audit = (await matching.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]

    assert [(a["action"], a["actor_sub"]) for a in audit if a["action"] == "export"] == [
        ("export", "staff-wang")
    ]


async def test_staff_of_another_county_cannot_export_a_seeker_they_do_not_reach(
    matching: httpx.AsyncClient, token: Token, far_staff: Headers
) -> None:
    await register_full(matching, token, "seeker-1")

    response = await matching.get("/v1/seekers/seeker-1/export", headers=far_staff)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_another_seeker_cannot_export_someone_else(matching: httpx.AsyncClient, token: Token) -> None:
    await register_full(matching, token, "seeker-1")

    response = await matching.get("/v1/seekers/seeker-1/export", headers=token("seeker", "seeker-2"))

    assert response.status_code == 404


async def test_applications_from_the_postings_service_are_in_the_export(
    matching: httpx.AsyncClient, postings: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    walk_in = {"seeker_id": "walk-in-1", "consent": staff_consent("matching"), "phone": None}
    created = await matching.post("/v1/seekers", json=seeker_body(**walk_in), headers=staff)
    assert created.status_code == 201, created.text
    posting = await open_job(postings, token("employer", "owner-1"))
    referred = await matching.post(
        "/v1/seekers/walk-in-1/referrals", json={"posting_id": posting}, headers=staff
    )
    assert referred.status_code == 201, referred.text

    doc = await export(matching, "walk-in-1", staff)

    applications = doc["sections"]["applications"]
    assert applications["status"] == "ok"
    assert [a["posting_id"] for a in applications["items"]] == [posting]
    assert [r["posting_id"] for r in doc["sections"]["referrals"]["items"]] == [posting]


async def test_an_unreachable_postings_service_is_named_as_missing_not_a_failure(
    matching_alone: httpx.AsyncClient, token: Token
) -> None:
    me = await register_full(matching_alone, token, "seeker-1")

    doc = await export(matching_alone, "seeker-1", me)

    assert (doc["complete"], doc["missing"]) == (False, ["applications", "engagements"])
    assert doc["sections"]["applications"]["status"] == "unavailable"
    assert doc["sections"]["profile"]["status"] == "ok"


async def test_matches_shown_say_how_long_they_are_kept_and_are_empty_before_any_list(
    matching: httpx.AsyncClient, token: Token
) -> None:
    me = await register_full(matching, token, "seeker-1")

    doc = await export(matching, "seeker-1", me)

    assert doc["sections"]["matches_shown"]["status"] == "ok"
    assert doc["sections"]["matches_shown"]["items"] == []
    assert "kept 180 days" in doc["sections"]["matches_shown"]["note"]


async def test_the_printable_page_carries_the_same_data_escaped(
    matching: httpx.AsyncClient, token: Token
) -> None:
    me = await register_full(matching, token, "seeker-1", desired_text="<b>焊工</b>")

    response = await matching.get("/v1/seekers/seeker-1/export?format=html", headers=me)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert "个人信息副本" in response.text
    assert PHONE in response.text
    assert "&lt;b&gt;焊工&lt;/b&gt;" in response.text
    assert "<b>焊工" not in response.text


async def test_an_unknown_format_is_a_problem_not_a_crash(matching: httpx.AsyncClient, token: Token) -> None:
    me = await register_full(matching, token, "seeker-1")

    response = await matching.get("/v1/seekers/seeker-1/export?format=pdf", headers=me)

    assert response.status_code == 422


async def test_the_export_schema_is_in_the_openapi_document(matching: httpx.AsyncClient) -> None:
    spec = (await matching.get("/openapi.json")).json()

    operation = spec["paths"]["/v1/seekers/{seeker_id}/export"]["get"]

    assert "SeekerExport" in str(operation["responses"]["200"])
    assert "text/html" in operation["responses"]["200"]["content"]
    assert "Sections" in spec["components"]["schemas"]


async def test_the_export_writes_nothing_personal_into_the_audit_table(
    matching: httpx.AsyncClient, token: Token, staff: Headers, session: AsyncSession
) -> None:
    await register_full(matching, token, "seeker-1")
    await export(matching, "seeker-1", staff)

    rows = (await session.execute(text("SELECT * FROM seeker_audit"))).all()

    assert PHONE not in str(rows)
    assert ID_NUMBER not in str(rows)
