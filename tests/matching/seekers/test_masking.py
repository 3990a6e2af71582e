"""Phone and ID number: masked in every response, encrypted at rest, revealed only where that is the point."""

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.seekers.crypto import get_cipher
from tests.matching.seekers.conftest import id_number, put_sensitive, register, seeker_body, staff_consent

PHONE = "13812341234"


async def test_phone_is_masked_in_the_registration_response(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    body = await register(matching_client, me, phone="138 1234 1234")

    assert body["phone"] == "138****1234"


async def test_phone_is_masked_even_to_the_seeker_reading_their_profile(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    responses = [
        await matching_client.get("/v1/seekers/me", headers=me),
        await matching_client.get("/v1/seekers/seeker-1", headers=me),
        await matching_client.patch(
            "/v1/seekers/seeker-1", json={"experience_years": 6}, headers=me | {"If-Match": "*"}
        ),
    ]

    assert [r.json()["phone"] for r in responses] == ["138****1234"] * 3
    assert not any(PHONE in r.text for r in responses)


async def test_phone_is_masked_to_staff_and_absent_from_lists(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    await register(matching_client, me)

    one = await matching_client.get("/v1/seekers/seeker-1", headers=staff)
    many = await matching_client.get("/v1/seekers", headers=staff)

    assert one.json()["phone"] == "138****1234"
    assert PHONE not in one.text
    assert "1234" not in many.text


async def test_seeker_reveals_their_own_phone_without_an_audit_row(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    contact = await matching_client.get("/v1/seekers/seeker-1/contact", headers=me)
    audit = await matching_client.get("/v1/seekers/seeker-1/audit", headers=me)

    assert contact.json() == {"seeker_id": "seeker-1", "phone": PHONE}
    assert audit.json()["items"] == []


async def test_staff_reveal_of_the_phone_is_audited(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    await register(matching_client, me)

    contact = await matching_client.get("/v1/seekers/seeker-1/contact", headers=staff)
    audit = (await matching_client.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]

    assert contact.json()["phone"] == PHONE
    assert [(a["action"], a["actor_sub"], a["fields"], a["purpose"]) for a in audit] == [
        ("reveal_contact", "staff-wang", ["phone"], "matching")
    ]


async def test_staff_cannot_reveal_the_phone_without_the_matching_consent(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    await register(matching_client, me)
    await matching_client.delete("/v1/seekers/seeker-1/consents/matching", headers=me)

    response = await matching_client.get("/v1/seekers/seeker-1/contact", headers=staff)

    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


async def test_phone_is_encrypted_at_rest(
    matching_client: httpx.AsyncClient, me: dict[str, str], session: AsyncSession
) -> None:
    await register(matching_client, me)

    row = (await session.execute(text("SELECT phone_cipher, phone_masked FROM seekers"))).one()

    assert PHONE.encode() not in bytes(row.phone_cipher)
    assert row.phone_masked == "138****1234"
    assert get_cipher().decrypt(bytes(row.phone_cipher), field="phone", seeker_id="seeker-1") == PHONE


async def test_id_number_is_masked_to_the_seeker_themself(
    registered: dict[str, Any], me: dict[str, str], matching_client: httpx.AsyncClient
) -> None:
    response = await matching_client.get("/v1/seekers/seeker-1/sensitive", headers=me)

    assert response.json()["id_number"] == "370************04X"
    assert id_number() not in response.text


async def test_id_number_is_masked_to_staff(
    registered: dict[str, Any], matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    response = await matching_client.get("/v1/seekers/seeker-1/sensitive", headers=staff)

    assert response.json()["id_number"] == "370************04X"
    assert id_number()[3:15] not in response.text


async def test_id_number_is_encrypted_at_rest_and_only_its_hmac_is_searchable(
    registered: dict[str, Any], session: AsyncSession
) -> None:
    row = (
        await session.execute(
            text("SELECT id_number_cipher, id_number_hmac, id_number_masked FROM seeker_sensitive")
        )
    ).one()
    stored = bytes(row.id_number_cipher)

    assert id_number().encode() not in stored
    assert id_number() not in row.id_number_hmac
    assert row.id_number_masked == "370************04X"
    assert get_cipher().decrypt(stored, field="id_number", seeker_id="seeker-1") == id_number()


async def test_staff_registration_response_masks_the_phone(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    response = await matching_client.post(
        "/v1/seekers", json=seeker_body(consent=staff_consent()), headers=staff
    )

    assert response.json()["phone"] == "138****1234"
    assert PHONE not in response.text


async def test_id_number_is_masked_in_the_write_response(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    number = id_number(seq="105")

    response = await put_sensitive(
        matching_client, me | {"If-Match": '"seeker-1/sensitive.1"'}, "seeker-1", id_number=number
    )

    assert response.status_code == 200, response.text
    assert response.json()["id_number"] == number[:3] + "*" * 12 + number[-3:]
    assert number not in response.text
