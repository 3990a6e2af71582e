"""Bad input gets a 4xx problem with a stable code, never a 500, and nothing is half-written."""

from typing import Any

import httpx
import pytest

from tests.matching.seekers.conftest import register, seeker_body


def _assert_problem(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["title"]
    assert body["title_zh"]
    if code is not None:
        assert body["code"] == code


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"desired_text": "焊\u0000工"}, "NUL byte"),
        ({"desired_text": "焊" * 201}, "desired text over 200"),
        ({"desired_text": "焊工\n叉车"}, "line break in one-line text"),
        ({"home": {"county_adcode": "370832", "address": "村" * 201}}, "address over 200"),
        ({"certificates": ["焊工证"] * 21}, "list over its bound"),
        ({"occupation_codes": ["6-18-02-04"] * 11}, "too many codes"),
        ({"availability": [{"weekday": 0, "start_minute": 0, "end_minute": 60}] * 29}, "too many windows"),
        ({"colour": "red"}, "unknown field"),
        ({"home": {"lat": 91, "lng": 117}}, "latitude out of range"),
        ({"home": {"lat": 40.7, "lng": -74.0}}, "outside China"),
        ({"home": {"lat": 23.13, "lng": 113.26}}, "in China, outside Shandong"),
        ({"home": {"lat": 36.6665, "lng": 117.0764, "county_adcode": "370832"}}, "point not in the county"),
        ({"home": {"county_adcode": "110101"}}, "not a Shandong county"),
        ({"home": {"lat": 36.6665}}, "latitude without longitude"),
        ({"home": {}}, "no location at all"),
        ({"home": {"county_adcode": "370832", "floor": 3}}, "unknown nested field"),
        ({"travel_mode": "horse"}, "unknown travel mode"),
        ({"max_commute_minutes": 4}, "commute under 5"),
        ({"max_commute_minutes": 181}, "commute over 180"),
        ({"availability": [{"weekday": 7, "start_minute": 0, "end_minute": 60}]}, "weekday 7"),
        ({"availability": [{"weekday": 1, "start_minute": 600, "end_minute": 600}]}, "empty window"),
        ({"availability": [{"weekday": 1, "start_minute": 0, "end_minute": 1441}]}, "past midnight"),
        ({"pay_expectation": {"amount": "0", "unit": "day"}}, "pay zero"),
        ({"pay_expectation": {"amount": "200", "unit": "week"}}, "unknown pay unit"),
        ({"certificates": ["屠龙证"]}, "unknown certificate"),
        ({"occupation_codes": ["9-99-99-99"]}, "unknown occupation code"),
        ({"accommodations": ["massage"]}, "unknown accommodation"),
        ({"kinds": []}, "no kind"),
        ({"kinds": ["internship"]}, "unknown kind"),
        ({"experience_years": -1}, "negative experience"),
        ({"experience_years": 61}, "experience over 60"),
        ({"birth_month": 13}, "month 13"),
        ({"birth_year": 1899}, "born before 1900"),
        ({"phone": "12345"}, "not a mobile number"),
        ({"phone": "1381234123\u0000"}, "NUL in phone"),
        ({"consent": {"purposes": ["marketing"], "method": "app"}}, "unknown purpose"),
        ({"consent": {"purposes": [], "method": "app"}}, "no purpose"),
        (
            {"consent": {"purposes": ["matching"], "method": "app", "agreed_at": "2026-11-23T09:00:00"}},
            "naive time",
        ),
    ],
)
async def test_bad_profile_field_is_a_422_problem(
    matching_client: httpx.AsyncClient, me: dict[str, str], change: dict[str, Any], why: str
) -> None:
    response = await matching_client.post("/v1/seekers", json=seeker_body(**change), headers=me)

    _assert_problem(response, 422, "validation_failed")


async def test_refused_registration_leaves_nothing_behind(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await matching_client.post("/v1/seekers", json=seeker_body(birth_year=2015), headers=me)

    response = await matching_client.get("/v1/seekers/me", headers=me)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"health_notes": "x" * 501},
        {"health_notes": "\u0000"},
        {"priority_groups": ["vip"]},
        {"id_number": "1" * 41},
    ],
    ids=["notes over 500", "NUL in notes", "unknown group", "ID number over its bound"],
)
async def test_bad_sensitive_field_is_a_422_problem(
    matching_client: httpx.AsyncClient, registered: dict[str, Any], me: dict[str, str], change: dict[str, Any]
) -> None:
    response = await matching_client.put(
        "/v1/seekers/seeker-1/sensitive", json=change, headers=me | {"If-Match": "*"}
    )

    _assert_problem(response, 422, "validation_failed")


@pytest.mark.parametrize("path", ["/v1/seekers/a%20b", "/v1/seekers/" + "x" * 65, "/v1/seekers/-x"])
async def test_malformed_seeker_id_in_the_path_is_422(
    matching_client: httpx.AsyncClient, staff: dict[str, str], path: str
) -> None:
    response = await matching_client.get(path, headers=staff)

    _assert_problem(response, 422)


async def test_broken_json_is_a_422_problem(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    response = await matching_client.post(
        "/v1/seekers",
        content=b'{"desired_text": "\xe7\x84\x8a',
        headers=me | {"Content-Type": "application/json"},
    )

    _assert_problem(response, 422, "malformed_json")


async def test_invalid_utf8_is_a_4xx_problem(matching_client: httpx.AsyncClient, me: dict[str, str]) -> None:
    response = await matching_client.post(
        "/v1/seekers",
        content=b'{"desired_text": "\xff\xfe"}',
        headers=me | {"Content-Type": "application/json"},
    )

    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"


async def test_missing_token_is_401(matching_client: httpx.AsyncClient) -> None:
    response = await matching_client.post("/v1/seekers", json=seeker_body())

    _assert_problem(response, 401, "unauthorized")


async def test_garbage_cursor_is_422(matching_client: httpx.AsyncClient, staff: dict[str, str]) -> None:
    response = await matching_client.get("/v1/seekers", params={"cursor": "not-a-cursor"}, headers=staff)

    _assert_problem(response, 422, "bad_cursor")


async def test_bad_county_filter_is_422(matching_client: httpx.AsyncClient, staff: dict[str, str]) -> None:
    response = await matching_client.get("/v1/seekers", params={"county": "jinan"}, headers=staff)

    _assert_problem(response, 422)


async def test_unmatched_if_match_on_a_profile_is_412(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    await register(matching_client, me)

    response = await matching_client.patch(
        "/v1/seekers/seeker-1",
        json={"experience_years": 1},
        headers=me | {"If-Match": 'W/"garbage", "seeker-1.0"'},
    )

    _assert_problem(response, 412, "stale_etag")
