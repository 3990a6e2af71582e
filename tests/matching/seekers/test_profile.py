"""Reading and editing profiles: who sees which, ETags, and the staff list."""

from typing import Any

import httpx
import pytest

from tests.matching.seekers.conftest import COUNTY, STATION, Token, register, seeker_body, staff_consent


async def test_seeker_reads_their_own_profile_at_me(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    created = await register(matching_client, me)

    response = await matching_client.get("/v1/seekers/me", headers=me)

    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["ETag"] == '"seeker-1.1"'


async def test_me_before_registering_is_404(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    response = await matching_client.get("/v1/seekers/me", headers=me)

    assert response.status_code == 404
    assert response.json()["code"] == "seeker_not_found"


async def test_me_is_for_seekers_only(matching_client: httpx.AsyncClient, staff: dict[str, str]) -> None:
    response = await matching_client.get("/v1/seekers/me", headers=staff)

    assert response.status_code == 403


async def test_another_seekers_profile_is_404_to_a_seeker(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)

    response = await matching_client.get("/v1/seekers/seeker-1", headers=token("seeker", "seeker-2"))

    assert response.status_code == 404


async def test_staff_of_the_seekers_county_read_a_profile(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)

    response = await matching_client.get(
        "/v1/seekers/seeker-1", headers=token("staff", "staff-li", station="station-far-away", county=COUNTY)
    )

    assert response.status_code == 200
    assert response.json()["desired_text"] == "焊工，会开叉车"


async def test_employers_cannot_read_profiles(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)

    response = await matching_client.get("/v1/seekers/seeker-1", headers=token("employer", "e1"))

    assert response.status_code == 403


async def test_seeker_edits_their_profile_with_the_current_etag(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.patch(
        "/v1/seekers/seeker-1",
        json={"max_commute_minutes": 60, "travel_mode": "bus", "pay_expectation": None},
        headers=me | {"If-Match": '"seeker-1.1"'},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["max_commute_minutes"], body["travel_mode"], body["pay_expectation"]) == (60, "bus", None)
    assert body["version"] == 2
    assert response.headers["ETag"] == '"seeker-1.2"'


async def test_edit_without_if_match_is_428(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    await register(matching_client, me)

    response = await matching_client.patch("/v1/seekers/seeker-1", json={"experience_years": 6}, headers=me)

    assert response.status_code == 428
    assert response.json()["code"] == "if_match_required"


async def test_edit_with_a_stale_etag_is_412(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    await register(matching_client, me)
    await matching_client.patch(
        "/v1/seekers/seeker-1", json={"experience_years": 6}, headers=me | {"If-Match": '"seeker-1.1"'}
    )

    response = await matching_client.patch(
        "/v1/seekers/seeker-1", json={"experience_years": 7}, headers=me | {"If-Match": '"seeker-1.1"'}
    )

    assert response.status_code == 412
    assert response.json()["code"] == "stale_etag"


async def test_edit_cannot_make_the_seeker_younger_than_16(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.patch(
        "/v1/seekers/seeker-1", json={"birth_year": 2015}, headers=me | {"If-Match": "*"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "under_minimum_age"


async def test_edit_cannot_remove_all_desired_work(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.patch(
        "/v1/seekers/seeker-1",
        json={"desired_text": None, "occupation_codes": []},
        headers=me | {"If-Match": "*"},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "desired_work_required"


@pytest.mark.parametrize("field", ["home", "travel_mode", "birth_year", "kinds"])
async def test_required_fields_cannot_be_set_to_null(
    matching_client: httpx.AsyncClient, me: dict[str, str], field: str
) -> None:
    await register(matching_client, me)

    response = await matching_client.patch(
        "/v1/seekers/seeker-1", json={field: None}, headers=me | {"If-Match": "*"}
    )

    assert response.status_code == 422


async def test_another_seeker_cannot_edit_the_profile(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)

    response = await matching_client.patch(
        "/v1/seekers/seeker-1",
        json={"experience_years": 1},
        headers=token("seeker", "seeker-2") | {"If-Match": "*"},
    )

    assert response.status_code == 404


async def test_staff_edit_a_profile_under_the_matching_consent(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.patch(
        "/v1/seekers/seeker-1", json={"experience_years": 8}, headers=staff | {"If-Match": '"seeker-1.1"'}
    )

    assert response.status_code == 200
    assert response.json()["experience_years"] == 8


async def test_staff_cannot_edit_once_matching_consent_is_withdrawn(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    await register(matching_client, me)
    await matching_client.delete("/v1/seekers/seeker-1/consents/matching", headers=me)

    response = await matching_client.patch(
        "/v1/seekers/seeker-1", json={"experience_years": 8}, headers=staff | {"If-Match": "*"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


async def _register_three(client: httpx.AsyncClient, token: Token, staff: dict[str, str]) -> None:
    await register(client, token("seeker", "a"))
    await register(client, token("seeker", "b"), home={"county_adcode": "370102"})
    body = seeker_body(consent=staff_consent(), seeker_id="c")
    assert (await client.post("/v1/seekers", json=body, headers=staff)).status_code == 201


async def test_an_admin_lists_seekers_newest_first_in_minimised_rows(
    matching_client: httpx.AsyncClient, token: Token, staff: dict[str, str], admin: dict[str, str]
) -> None:
    await _register_three(matching_client, token, staff)

    response = await matching_client.get("/v1/seekers", headers=admin)

    items: list[dict[str, Any]] = response.json()["items"]
    assert [i["id"] for i in items] == ["c", "b", "a"]
    assert not {"phone", "home", "birth_year", "address"} & set(items[0])


async def test_list_filters_by_county(
    matching_client: httpx.AsyncClient, token: Token, staff: dict[str, str], admin: dict[str, str]
) -> None:
    await _register_three(matching_client, token, staff)

    response = await matching_client.get("/v1/seekers", params={"county": "370102"}, headers=admin)

    assert [i["id"] for i in response.json()["items"]] == ["b"]


async def test_list_filters_by_registering_station(
    matching_client: httpx.AsyncClient, token: Token, staff: dict[str, str]
) -> None:
    await _register_three(matching_client, token, staff)

    response = await matching_client.get("/v1/seekers", params={"station": STATION}, headers=staff)

    assert [i["id"] for i in response.json()["items"]] == ["c"]


async def test_list_pages_follow_the_cursor_to_the_end(
    matching_client: httpx.AsyncClient, token: Token, staff: dict[str, str], admin: dict[str, str]
) -> None:
    await _register_three(matching_client, token, staff)

    first = (await matching_client.get("/v1/seekers", params={"limit": 2}, headers=admin)).json()
    second = (
        await matching_client.get(
            "/v1/seekers", params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin
        )
    ).json()

    assert [i["id"] for i in first["items"] + second["items"]] == ["c", "b", "a"]
    assert second["next_cursor"] is None


async def test_seekers_cannot_list_seekers(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    response = await matching_client.get("/v1/seekers", headers=me)

    assert response.status_code == 403


async def test_list_page_size_over_the_cap_is_422(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    response = await matching_client.get("/v1/seekers", params={"limit": 5000}, headers=staff)

    assert response.status_code == 422
    assert response.json()["code"] == "page_size_too_large"
