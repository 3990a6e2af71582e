"""The right to erasure: profile and sensitive data go; the audit log keeps the id and nothing else."""

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import ManualClock
from tests.matching.seekers.conftest import Token, register, seeker_body, staff_consent


async def test_seeker_erases_their_profile(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    response = await matching_client.delete("/v1/seekers/seeker-1", headers=me)

    after = await matching_client.get("/v1/seekers/me", headers=me)

    assert response.status_code == 204
    assert after.status_code == 404


async def test_erasure_deletes_the_sensitive_data_from_the_database(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str], session: AsyncSession
) -> None:
    await matching_client.delete("/v1/seekers/seeker-1", headers=me)

    profiles = (await session.execute(text("SELECT count(*) FROM seekers"))).scalar_one()
    sensitive = (await session.execute(text("SELECT count(*) FROM seeker_sensitive"))).scalar_one()

    assert (profiles, sensitive) == (0, 0)


async def test_erasure_keeps_audit_rows_with_the_id_only(
    matching_client: httpx.AsyncClient,
    registered: dict[str, Any],
    me: dict[str, str],
    staff: dict[str, str],
    session: AsyncSession,
    fixed_clock: ManualClock,
) -> None:
    await matching_client.get("/v1/seekers/seeker-1/sensitive", headers=staff)
    fixed_clock.advance(timedelta(minutes=1))

    await matching_client.delete("/v1/seekers/seeker-1", headers=me)
    audit = (await matching_client.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]
    raw = (await session.execute(text("SELECT * FROM seeker_audit"))).all()

    assert [a["action"] for a in audit] == ["erase", "read_sensitive"]
    assert all(r.seeker_id == "seeker-1" for r in raw)
    for personal in ("13812341234", "370832", "焊工"):
        assert personal not in str(raw)


async def test_erasure_ends_every_consent(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    await matching_client.delete("/v1/seekers/seeker-1", headers=me)

    consents = (await matching_client.get("/v1/seekers/seeker-1/consents", headers=me)).json()

    assert consents
    assert all(c["withdrawn_at"] for c in consents)


async def test_erasure_drops_stored_idempotent_replies_that_carried_the_profile(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    headers = me | {"Idempotency-Key": "reg-1"}
    await matching_client.post("/v1/seekers", json=seeker_body(), headers=headers)
    await matching_client.delete("/v1/seekers/seeker-1", headers=me)

    again = await matching_client.post("/v1/seekers", json=seeker_body(), headers=headers)

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers


async def test_erasure_drops_replies_stored_for_the_staff_who_registered_them(
    matching_client: httpx.AsyncClient, staff: dict[str, str], admin: dict[str, str]
) -> None:
    headers = staff | {"Idempotency-Key": "walk-in-1"}
    body = seeker_body(seeker_id="walk-in", consent=staff_consent())
    await matching_client.post("/v1/seekers", json=body, headers=headers)
    await matching_client.delete("/v1/seekers/walk-in", headers=admin)

    again = await matching_client.post("/v1/seekers", json=body, headers=headers)

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers


async def test_an_erased_seeker_may_register_afresh(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str]
) -> None:
    await matching_client.delete("/v1/seekers/seeker-1", headers=me)

    body = await register(matching_client, me)

    assert body["version"] == 1
    assert (await matching_client.get("/v1/seekers/seeker-1/sensitive", headers=me)).status_code == 404


async def test_admin_erases_on_the_seekers_request(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], admin: dict[str, str], me: dict[str, str]
) -> None:
    response = await matching_client.delete("/v1/seekers/seeker-1", headers=admin)

    audit = (await matching_client.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]

    assert response.status_code == 204
    assert (audit[0]["action"], audit[0]["actor_role"]) == ("erase", "admin")


async def test_staff_cannot_erase_a_seeker(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], staff: dict[str, str]
) -> None:
    response = await matching_client.delete("/v1/seekers/seeker-1", headers=staff)

    assert response.status_code == 403


async def test_another_seeker_cannot_erase_the_profile(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], token: Token
) -> None:
    response = await matching_client.delete("/v1/seekers/seeker-1", headers=token("seeker", "seeker-2"))

    assert response.status_code == 404
