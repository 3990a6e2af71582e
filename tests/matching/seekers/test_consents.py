"""Consent records: who recorded which purpose, how and when; withdrawal ends exactly one purpose."""

import httpx

from tests.matching.seekers.conftest import STATION, Token, grant, register, staff_consent

CONSENTS = "/v1/seekers/seeker-1/consents"


async def test_seeker_grants_a_purpose_in_the_app(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.post(
        CONSENTS, json={"purposes": ["share_contact_with_employers"], "method": "app"}, headers=me
    )

    assert response.status_code == 201
    latest = response.json()[-1]
    assert (latest["purpose"], latest["method"], latest["recorded_by_role"]) == (
        "share_contact_with_employers",
        "app",
        "seeker",
    )
    assert latest["agreed_at"].startswith("2026-11-23T02:00:00")


async def test_staff_record_a_signed_consent_with_their_station(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.post(
        CONSENTS, json=staff_consent("sensitive_for_priority_help"), headers=staff
    )

    latest = response.json()[-1]
    assert (latest["recorded_by_sub"], latest["recorded_by_station"], latest["method"]) == (
        "staff-wang",
        STATION,
        "in_person_signed",
    )
    assert latest["agreed_at"].startswith("2026-11-23T01:30:00")


async def test_granting_an_active_purpose_again_adds_nothing(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    await grant(matching_client, me, "seeker-1", "matching")
    history = (await matching_client.get(CONSENTS, headers=me)).json()

    assert [c["purpose"] for c in history] == ["matching"]


async def test_withdrawal_ends_only_that_purpose_and_keeps_the_history(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)
    await grant(matching_client, me, "seeker-1", "share_contact_with_employers")

    response = await matching_client.delete(f"{CONSENTS}/share_contact_with_employers", headers=me)
    history = (await matching_client.get(CONSENTS, headers=me)).json()
    profile = (await matching_client.get("/v1/seekers/me", headers=me)).json()

    assert response.status_code == 204
    assert [(c["purpose"], c["withdrawn_by_sub"]) for c in history] == [
        ("matching", None),
        ("share_contact_with_employers", "seeker-1"),
    ]
    assert profile["consents"] == ["matching"]


async def test_withdrawing_a_purpose_not_active_is_404(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.delete(f"{CONSENTS}/sensitive_for_priority_help", headers=me)

    assert response.status_code == 404
    assert response.json()["code"] == "consent_not_found"


async def test_a_withdrawn_purpose_can_be_granted_again(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)
    await matching_client.delete(f"{CONSENTS}/matching", headers=me)

    await grant(matching_client, me, "seeker-1", "matching")
    profile = (await matching_client.get("/v1/seekers/me", headers=me)).json()

    assert profile["consents"] == ["matching"]


async def test_unknown_purpose_is_422(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    await register(matching_client, me)

    response = await matching_client.delete(f"{CONSENTS}/marketing", headers=me)

    assert response.status_code == 422


async def test_consent_for_someone_not_registered_is_404(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    response = await matching_client.post("/v1/seekers/nobody/consents", json=staff_consent(), headers=staff)

    assert response.status_code == 404


async def test_another_seeker_cannot_withdraw_consent(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)

    response = await matching_client.delete(f"{CONSENTS}/matching", headers=token("seeker", "seeker-2"))

    assert response.status_code == 404
    assert response.json()["code"] == "seeker_not_found"
