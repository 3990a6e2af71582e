"""Registration: by the seeker in the app, or by station staff with the consent they recorded."""

import httpx
import pytest

from tests.matching.seekers.conftest import STATION, Token, register, seeker_body, staff_consent


async def test_seeker_registers_themself_under_their_token_subject(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    response = await matching_client.post("/v1/seekers", json=seeker_body(), headers=me)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == "seeker-1"
    assert body["consents"] == ["matching"]
    assert body["registered_by_station"] is None
    assert response.headers["Location"] == "/v1/seekers/seeker-1"
    assert response.headers["ETag"] == '"seeker-1.1"'


async def test_registration_stores_codes_for_certificate_names(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    body = await register(matching_client, me, certificates=["电焊证", "叉车证", "health"])

    assert body["certificates"] == ["welder", "forklift", "health"]


async def test_coordinates_give_the_county_and_an_exact_location(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    body = await register(matching_client, me)

    assert body["home"]["county_adcode"] == "370832"
    assert body["home"]["approximate"] is False
    assert body["home"]["lat"] == 35.8024


async def test_county_alone_places_the_seeker_at_its_centroid_marked_approximate(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    body = await register(matching_client, me, home={"county_adcode": "370832", "address": "某村"})

    assert body["home"] == {
        "lat": 35.8024,
        "lng": 116.09584,
        "county_adcode": "370832",
        "approximate": True,
        "address": "某村",
    }


async def test_staff_register_a_seeker_with_the_consent_they_recorded(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    body = seeker_body(consent=staff_consent("matching", "sensitive_for_priority_help"))

    response = await matching_client.post("/v1/seekers", json=body, headers=staff)

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["registered_by_station"] == STATION
    assert created["consents"] == ["matching", "sensitive_for_priority_help"]
    consents = (await matching_client.get(f"/v1/seekers/{created['id']}/consents", headers=staff)).json()
    assert {c["recorded_by_sub"] for c in consents} == {"staff-wang"}
    assert {c["recorded_by_station"] for c in consents} == {STATION}
    assert {c["method"] for c in consents} == {"in_person_signed"}


async def test_staff_may_register_a_seeker_under_their_existing_account(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    body = seeker_body(seeker_id="seeker-77", consent=staff_consent())

    response = await matching_client.post("/v1/seekers", json=body, headers=staff)

    assert response.json()["id"] == "seeker-77"


async def test_admin_registers_for_a_named_station(
    matching_client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = seeker_body(consent=staff_consent(), registered_by_station="station-x")

    response = await matching_client.post("/v1/seekers", json=body, headers=admin)

    assert response.json()["registered_by_station"] == "station-x"


async def test_seeker_cannot_claim_a_station_registration(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    response = await matching_client.post(
        "/v1/seekers", json=seeker_body(registered_by_station=STATION), headers=me
    )

    assert response.status_code == 403
    assert response.json()["code"] == "station_mismatch"


async def test_staff_registration_without_consent_is_refused(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    body = seeker_body()
    del body["consent"]

    response = await matching_client.post("/v1/seekers", json=body, headers=staff)

    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


async def test_consent_that_leaves_out_matching_does_not_register(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    body = seeker_body(consent=staff_consent("share_contact_with_employers"))

    response = await matching_client.post("/v1/seekers", json=body, headers=staff)

    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


async def test_seeker_cannot_claim_an_in_person_consent(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    response = await matching_client.post(
        "/v1/seekers", json=seeker_body(consent=staff_consent()), headers=me
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_consent"


async def test_consent_dated_in_the_future_is_refused(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    consent = staff_consent() | {"agreed_at": "2026-11-24T09:30:00+08:00"}

    response = await matching_client.post("/v1/seekers", json=seeker_body(consent=consent), headers=staff)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_consent"


async def test_staff_of_another_station_cannot_register_for_this_one(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    body = seeker_body(consent=staff_consent(), registered_by_station="station-other")

    response = await matching_client.post("/v1/seekers", json=body, headers=staff)

    assert response.status_code == 403
    assert response.json()["code"] == "station_mismatch"


async def test_staff_token_without_a_station_cannot_register(
    matching_client: httpx.AsyncClient, token: Token
) -> None:
    body = seeker_body(consent=staff_consent())

    response = await matching_client.post("/v1/seekers", json=body, headers=token("staff", "roaming"))

    assert response.status_code == 403
    assert response.json()["code"] == "station_mismatch"


async def test_seeker_cannot_register_someone_else(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    response = await matching_client.post("/v1/seekers", json=seeker_body(seeker_id="seeker-2"), headers=me)

    assert response.status_code == 403


async def test_second_registration_of_the_same_seeker_is_409(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.post("/v1/seekers", json=seeker_body(), headers=me)

    assert response.status_code == 409
    assert response.json()["code"] == "seeker_exists"


@pytest.mark.parametrize("role", ["employer", "service"])
async def test_other_roles_cannot_register_seekers(
    matching_client: httpx.AsyncClient, token: Token, role: str
) -> None:
    response = await matching_client.post("/v1/seekers", json=seeker_body(), headers=token(role, "x"))

    assert response.status_code == 403


async def test_nobody_under_16_can_register(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    response = await matching_client.post(
        "/v1/seekers", json=seeker_body(birth_year=2011, birth_month=1), headers=me
    )

    assert response.status_code == 422
    assert response.json()["code"] == "under_minimum_age"


async def test_in_the_sixteenth_birthday_month_registration_waits_for_the_next_month(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    response = await matching_client.post(
        "/v1/seekers", json=seeker_body(birth_year=2010, birth_month=11), headers=me
    )

    assert response.status_code == 422
    assert response.json()["code"] == "under_minimum_age"


async def test_a_sixteen_year_old_registers(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    body = await register(matching_client, me, birth_year=2010, birth_month=10)

    assert body["age"] == 16


async def test_under_16_registration_by_staff_is_refused_too(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    body = seeker_body(birth_year=2012, birth_month=5, consent=staff_consent())

    response = await matching_client.post("/v1/seekers", json=body, headers=staff)

    assert response.json()["code"] == "under_minimum_age"


async def test_registration_needs_some_desired_work(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    body = seeker_body(occupation_codes=[])
    del body["desired_text"]

    response = await matching_client.post("/v1/seekers", json=body, headers=me)

    assert response.status_code == 422


async def test_registration_replays_for_the_same_idempotency_key(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    headers = me | {"Idempotency-Key": "reg-1"}
    first = await matching_client.post("/v1/seekers", json=seeker_body(), headers=headers)

    again = await matching_client.post("/v1/seekers", json=seeker_body(), headers=headers)

    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


async def test_same_idempotency_key_with_another_body_is_422(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    headers = me | {"Idempotency-Key": "reg-1"}
    await matching_client.post("/v1/seekers", json=seeker_body(), headers=headers)

    again = await matching_client.post("/v1/seekers", json=seeker_body(experience_years=9), headers=headers)

    assert again.status_code == 422
    assert again.json()["code"] == "idempotency_key_reused"
