"""Staff reach the seekers of their station and county; one from elsewhere only through an exact,
audited lookup that opens them to the station for a limited time; anything else is a 404."""

from datetime import timedelta

import httpx
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.matching.seekers.conftest import COUNTY, Token, id_number, register, seeker_body, staff_consent

FAR_COUNTY = "370102"  # 济南 历下区, not 梁山县


def far_staff(token: Token) -> dict[str, str]:
    return token("staff", "staff-far", station="station-jinan-9", county=FAR_COUNTY)


async def test_staff_of_another_county_and_station_get_404_for_a_seeker(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)

    response = await matching_client.get("/v1/seekers/seeker-1", headers=far_staff(token))

    assert response.status_code == 404
    assert response.json()["code"] == "seeker_not_found"


async def test_staff_of_the_registering_station_reach_a_seeker_living_elsewhere(
    matching_client: httpx.AsyncClient, staff: dict[str, str], token: Token
) -> None:
    station = token("staff", "staff-wang", station="station-jinan-9", county=FAR_COUNTY)
    body = seeker_body(seeker_id="walk-in", consent=staff_consent())
    assert (await matching_client.post("/v1/seekers", json=body, headers=station)).status_code == 201

    response = await matching_client.get("/v1/seekers/walk-in", headers=station)

    assert response.status_code == 200


async def test_staff_list_only_their_station_and_county(
    matching_client: httpx.AsyncClient, token: Token, staff: dict[str, str]
) -> None:
    await register(matching_client, token("seeker", "here"))
    await register(matching_client, token("seeker", "there"), home={"county_adcode": FAR_COUNTY})

    mine = (await matching_client.get("/v1/seekers", headers=staff)).json()["items"]
    theirs = (await matching_client.get("/v1/seekers", headers=far_staff(token))).json()["items"]

    assert [i["id"] for i in mine] == ["here"]
    assert [i["id"] for i in theirs] == ["there"]


async def test_an_exact_phone_lookup_opens_a_seeker_from_elsewhere_to_the_station(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)
    far = far_staff(token)

    found = await matching_client.post("/v1/seekers/lookup", json={"phone": "138 1234 1234"}, headers=far)
    opened = await matching_client.get("/v1/seekers/seeker-1", headers=far)

    assert found.status_code == 200, found.text
    assert [s["id"] for s in found.json()] == ["seeker-1"]
    assert opened.status_code == 200


async def test_the_opening_lasts_only_the_configured_hours(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token, clock: ManualClock
) -> None:
    await register(matching_client, me)
    far = far_staff(token)
    await matching_client.post("/v1/seekers/lookup", json={"phone": "13812341234"}, headers=far)

    clock.advance(timedelta(hours=8, seconds=1))
    response = await matching_client.get("/v1/seekers/seeker-1", headers=far)

    assert response.status_code == 404


async def test_the_opening_is_for_that_station_only(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)
    await matching_client.post("/v1/seekers/lookup", json={"phone": "13812341234"}, headers=far_staff(token))

    other = token("staff", "staff-zhao", station="station-jinan-10", county=FAR_COUNTY)
    response = await matching_client.get("/v1/seekers/seeker-1", headers=other)

    assert response.status_code == 404


async def test_a_lookup_is_written_to_the_seekers_audit_log(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)
    await matching_client.post("/v1/seekers/lookup", json={"phone": "13812341234"}, headers=far_staff(token))

    rows = (await matching_client.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]

    assert [(r["action"], r["fields"], r["actor_sub"]) for r in rows] == [
        ("exact_lookup", ["phone"], "staff-far")
    ]


async def test_an_id_number_lookup_goes_through_its_hash(
    matching_client: httpx.AsyncClient, registered: dict[str, object], token: Token
) -> None:
    far = far_staff(token)

    found = await matching_client.post("/v1/seekers/lookup", json={"id_number": id_number()}, headers=far)

    assert [s["id"] for s in found.json()] == ["seeker-1"]


async def test_a_partial_phone_finds_nobody(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)

    response = await matching_client.post(
        "/v1/seekers/lookup", json={"phone": "1381234"}, headers=far_staff(token)
    )

    assert response.status_code == 422


async def test_a_seekers_matches_out_of_reach_are_404(
    matching_app: FastAPI, matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)
    await matching_app.state.matching_engine.wait_ready(10)

    response = await matching_client.get("/v1/seekers/seeker-1/matches", headers=far_staff(token))

    assert response.status_code == 404


async def test_staff_of_the_seekers_county_reach_them_without_a_lookup(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)

    response = await matching_client.get(
        "/v1/seekers/seeker-1", headers=token("staff", "staff-x", station="elsewhere", county=COUNTY)
    )

    assert response.status_code == 200


async def _reach(client: httpx.AsyncClient, token: Token, seeker_id: str, **staff: str) -> bool:
    """What the postings service is told when it asks whether this member of staff reaches the seeker."""
    params = {"seeker_id": seeker_id} | staff
    response = await client.get("/v1/seekers:reach", params=params, headers=token("service", "postings"))
    assert response.status_code == 200, response.text
    return bool(response.json()["reached"])


async def test_the_postings_service_is_told_whom_staff_reach_by_the_same_rule(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token
) -> None:
    await register(matching_client, me)
    far = {"staff_sub": "staff-far", "station_id": "station-jinan-9", "county_adcode": FAR_COUNTY}

    county = await _reach(matching_client, token, "seeker-1", staff_sub="staff-li", county_adcode=COUNTY)
    before = await _reach(matching_client, token, "seeker-1", **far)
    await matching_client.post("/v1/seekers/lookup", json={"phone": "13812341234"}, headers=far_staff(token))
    after = await _reach(matching_client, token, "seeker-1", **far)
    nobody = await _reach(matching_client, token, "nobody", staff_sub="staff-li", county_adcode=COUNTY)

    assert (county, before, after, nobody) == (True, False, True, False)


async def test_only_a_service_asks_whom_staff_reach(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    params = {"seeker_id": "seeker-1", "staff_sub": "staff-li"}

    response = await matching_client.get("/v1/seekers:reach", params=params, headers=staff)

    assert response.status_code == 403
