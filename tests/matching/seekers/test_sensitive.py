"""Sensitive data: only with its own consent; the ID number checked; every staff read audited."""

import asyncio
from typing import Any

import httpx
import pytest

from tests.matching.seekers.conftest import (
    STATION,
    Token,
    grant,
    id_number,
    put_sensitive,
    register,
    wrong_check,
)

SENSITIVE = "/v1/seekers/seeker-1/sensitive"
IF_MATCH_V1 = {"If-Match": '"seeker-1/sensitive.1"'}


@pytest.fixture
async def consented(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    await register(matching_client, me)
    await grant(matching_client, me, "seeker-1", "sensitive_for_priority_help")


async def test_sensitive_data_without_its_consent_is_refused(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await put_sensitive(matching_client, me, "seeker-1")

    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


async def test_seeker_stores_sensitive_data_under_its_consent(
    matching_client: httpx.AsyncClient, me: dict[str, str], consented: None
) -> None:
    response = await put_sensitive(matching_client, me, "seeker-1")

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["disability"], body["disability_level"], body["zero_employment_household"]) == (
        True,
        4,
        True,
    )
    assert response.headers["ETag"] == '"seeker-1/sensitive.1"'


async def test_staff_store_sensitive_data_under_the_consent_they_recorded(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    await register(matching_client, me)
    await grant(matching_client, staff, "seeker-1", "sensitive_for_priority_help", method="in_person_signed")

    response = await put_sensitive(matching_client, staff, "seeker-1")

    assert response.status_code == 201, response.text


async def test_id_number_with_a_wrong_check_character_is_refused(
    matching_client: httpx.AsyncClient, me: dict[str, str], consented: None
) -> None:
    response = await put_sensitive(matching_client, me, "seeker-1", id_number=wrong_check(id_number()))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_id_number"


@pytest.mark.parametrize(
    "number",
    ["37083219750601104", "3708321975060110X4", "990832197506011040", "370832197502301040", "abc"],
    ids=["17 characters", "X in the middle", "no such province", "30 February", "letters"],
)
async def test_malformed_id_number_is_refused(
    matching_client: httpx.AsyncClient, me: dict[str, str], consented: None, number: str
) -> None:
    response = await put_sensitive(matching_client, me, "seeker-1", id_number=number)

    assert response.json()["code"] == "invalid_id_number"


async def test_id_number_typed_with_spaces_and_lower_case_x_is_accepted(
    matching_client: httpx.AsyncClient, me: dict[str, str], consented: None
) -> None:
    typed = id_number()[:6] + " " + id_number()[6:].lower()

    response = await put_sensitive(matching_client, me, "seeker-1", id_number=typed)

    assert response.status_code == 201


async def test_id_number_born_in_another_month_than_the_profile_is_refused(
    matching_client: httpx.AsyncClient, me: dict[str, str], consented: None
) -> None:
    response = await put_sensitive(matching_client, me, "seeker-1", id_number=id_number(born="19750701"))

    assert response.status_code == 422
    assert response.json()["code"] == "id_number_birth_mismatch"


async def test_the_same_id_number_for_two_seekers_is_409(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], token: Token
) -> None:
    other = token("seeker", "seeker-2")
    await register(matching_client, other)
    await grant(matching_client, other, "seeker-2", "sensitive_for_priority_help")

    response = await put_sensitive(matching_client, other, "seeker-2")

    assert response.status_code == 409
    assert response.json()["code"] == "id_number_taken"


async def _second_seeker_takes_the_number(client: httpx.AsyncClient, token: Token) -> int:
    other = token("seeker", "seeker-2")
    await register(client, other)
    await grant(client, other, "seeker-2", "sensitive_for_priority_help")
    return (await put_sensitive(client, other, "seeker-2")).status_code


async def test_an_id_number_removed_from_a_record_is_free_for_another_seeker(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str], token: Token
) -> None:
    await matching_client.put(SENSITIVE, json={"id_number": None}, headers=me | IF_MATCH_V1)

    assert await _second_seeker_takes_the_number(matching_client, token) == 201


async def test_an_id_number_of_a_deleted_record_is_free_for_another_seeker(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str], token: Token
) -> None:
    await matching_client.delete(SENSITIVE, headers=me)

    assert await _second_seeker_takes_the_number(matching_client, token) == 201


async def test_an_id_number_of_an_erased_seeker_is_free_for_another_seeker(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str], token: Token
) -> None:
    erased = await matching_client.delete("/v1/seekers/seeker-1", headers=me)

    assert erased.status_code == 204
    assert await _second_seeker_takes_the_number(matching_client, token) == 201


async def test_a_seeker_replacing_their_id_number_frees_the_old_one(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str], token: Token
) -> None:
    replaced = await matching_client.put(
        SENSITIVE, json={"id_number": id_number(seq="105")}, headers=me | IF_MATCH_V1
    )

    assert replaced.status_code == 200
    assert await _second_seeker_takes_the_number(matching_client, token) == 201


async def test_two_seekers_storing_one_id_number_at_once_get_one_201_and_one_409(
    matching_client: httpx.AsyncClient, token: Token
) -> None:
    heads = [token("seeker", f"seeker-{n}") for n in (1, 2)]
    for n, headers in enumerate(heads, start=1):
        await register(matching_client, headers)
        await grant(matching_client, headers, f"seeker-{n}", "sensitive_for_priority_help")

    answers = await asyncio.gather(
        *(put_sensitive(matching_client, h, f"seeker-{n}") for n, h in enumerate(heads, start=1))
    )

    assert sorted((a.status_code, a.json().get("code")) for a in answers) == [
        (201, None),
        (409, "id_number_taken"),
    ]


async def test_replacing_sensitive_data_needs_if_match(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    missing = await put_sensitive(matching_client, me, "seeker-1")
    stale = await put_sensitive(matching_client, me | {"If-Match": '"seeker-1/sensitive.0"'}, "seeker-1")

    assert (missing.status_code, stale.status_code) == (428, 412)


async def test_leaving_out_the_id_number_keeps_the_stored_one(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    response = await matching_client.put(SENSITIVE, json={"veteran": True}, headers=me | IF_MATCH_V1)

    assert response.status_code == 200
    assert response.json()["id_number"] == "370************04X"
    assert response.json()["disability"] is False


async def test_null_id_number_removes_it(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    response = await matching_client.put(SENSITIVE, json={"id_number": None}, headers=me | IF_MATCH_V1)

    assert response.json()["id_number"] is None


async def test_seeker_cannot_certify_themself_for_reserved_posts(
    matching_client: httpx.AsyncClient, me: dict[str, str], consented: None
) -> None:
    response = await put_sensitive(matching_client, me, "seeker-1", reserved_post_certified=True)

    assert response.status_code == 403
    assert response.json()["code"] == "certification_needs_staff"


async def test_staff_certify_a_seeker_for_reserved_posts(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], staff: dict[str, str]
) -> None:
    response = await put_sensitive(
        matching_client, staff | IF_MATCH_V1, "seeker-1", reserved_post_certified=True
    )

    assert response.json()["reserved_post_certified"] is True


async def test_disability_level_without_disability_is_422(
    matching_client: httpx.AsyncClient, me: dict[str, str], consented: None
) -> None:
    response = await put_sensitive(matching_client, me, "seeker-1", disability=False, disability_level=2)

    assert response.status_code == 422


async def test_every_staff_read_writes_an_audit_row(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], staff: dict[str, str], me: dict[str, str]
) -> None:
    for _ in range(2):
        assert (await matching_client.get(SENSITIVE, headers=staff)).status_code == 200

    audit = (await matching_client.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]

    assert len(audit) == 2
    row = audit[0]
    assert (row["action"], row["actor_role"], row["actor_sub"], row["actor_station"]) == (
        "read_sensitive",
        "staff",
        "staff-wang",
        STATION,
    )
    assert row["purpose"] == "sensitive_for_priority_help"
    assert row["fields"] == [
        "disability",
        "disability_level",
        "health_notes",
        "zero_employment_household",
        "id_number",
        "priority_groups",
    ]
    assert row["at"].startswith("2026-11-23T02:00:00")


async def test_admin_reads_are_audited_too(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], admin: dict[str, str]
) -> None:
    await matching_client.get(SENSITIVE, headers=admin)

    audit = (await matching_client.get("/v1/seekers/seeker-1/audit", headers=admin)).json()["items"]

    assert [(a["action"], a["actor_role"]) for a in audit] == [("read_sensitive", "admin")]


async def test_the_seekers_own_reads_are_not_audited(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    await matching_client.get(SENSITIVE, headers=me)

    audit = (await matching_client.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]

    assert audit == []


async def test_staff_writes_are_audited_with_the_fields_written(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], staff: dict[str, str], me: dict[str, str]
) -> None:
    await put_sensitive(matching_client, staff | IF_MATCH_V1, "seeker-1", reserved_post_certified=True)

    audit = (await matching_client.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]

    assert audit[0]["action"] == "write_sensitive"
    assert {"id_number", "reserved_post_certified", "disability"} <= set(audit[0]["fields"])


async def test_staff_cannot_read_the_audit_log(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], staff: dict[str, str]
) -> None:
    response = await matching_client.get("/v1/seekers/seeker-1/audit", headers=staff)

    assert response.status_code == 403


async def test_audit_log_pages_newest_first(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], staff: dict[str, str], me: dict[str, str]
) -> None:
    for _ in range(3):
        await matching_client.get(SENSITIVE, headers=staff)

    first = (await matching_client.get("/v1/seekers/seeker-1/audit", params={"limit": 2}, headers=me)).json()
    rest = (
        await matching_client.get(
            "/v1/seekers/seeker-1/audit", params={"limit": 2, "cursor": first["next_cursor"]}, headers=me
        )
    ).json()

    assert (len(first["items"]), len(rest["items"]), rest["next_cursor"]) == (2, 1, None)


async def test_staff_read_without_consent_is_refused_and_not_disclosed(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.get(SENSITIVE, headers=staff)

    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


async def test_withdrawing_consent_stops_staff_reads_at_once(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], staff: dict[str, str], me: dict[str, str]
) -> None:
    assert (await matching_client.get(SENSITIVE, headers=staff)).status_code == 200

    withdrawn = await matching_client.delete(
        "/v1/seekers/seeker-1/consents/sensitive_for_priority_help", headers=me
    )
    response = await matching_client.get(SENSITIVE, headers=staff)

    assert withdrawn.status_code == 204
    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


async def test_seeker_still_reads_their_own_data_after_withdrawing(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    await matching_client.delete("/v1/seekers/seeker-1/consents/sensitive_for_priority_help", headers=me)

    response = await matching_client.get(SENSITIVE, headers=me)

    assert response.status_code == 200


async def test_seeker_deletes_their_sensitive_data(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    deleted = await matching_client.delete(SENSITIVE, headers=me)

    response = await matching_client.get(SENSITIVE, headers=me)

    assert deleted.status_code == 204
    assert response.status_code == 404
    assert response.json()["code"] == "sensitive_not_found"


async def test_staff_cannot_delete_sensitive_data(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], staff: dict[str, str]
) -> None:
    response = await matching_client.delete(SENSITIVE, headers=staff)

    assert response.status_code == 403


async def test_another_seekers_sensitive_data_is_404(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], token: Token
) -> None:
    response = await matching_client.get(SENSITIVE, headers=token("seeker", "seeker-2"))

    assert response.status_code == 404
    assert response.json()["code"] == "seeker_not_found"
