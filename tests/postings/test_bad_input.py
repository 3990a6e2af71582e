"""Bad input gets a 4xx problem with a stable code, never a 500, and nothing is half-written."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.fuzzing import extreme_query_answers
from tests.postings.factories import create_employer, job_body

Token = Callable[..., dict[str, str]]


def _assert_problem(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["title_zh"]
    if code is not None:
        assert body["code"] == code


@pytest.fixture
async def employer_id(client: httpx.AsyncClient, token: Token) -> str:
    return str((await create_employer(client, token("employer", "e1")))["id"])


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"title": "焊\u0000工"}, "NUL byte"),
        ({"title": "x" * 81}, "title over its bound"),
        ({"description": "长" * 5001}, "description over its bound"),
        ({"certificates": ["焊工证"] * 11}, "list over its bound"),
        ({"colour": "red"}, "unknown field"),
        ({"location": {"lat": 91, "lng": 117}}, "latitude out of range"),
        ({"location": {"lat": 40.7, "lng": -74.0}}, "outside China"),
        ({"location": {"lat": 23.13, "lng": 113.26}}, "in China, outside Shandong"),
        (
            {"location": {"lat": 36.6665, "lng": 117.0764, "county_adcode": "370202"}},
            "point not in the county",
        ),
        ({"location": {"lat": 36.6665, "lng": 117.0764, "county_adcode": "110101"}}, "not a Shandong county"),
        ({"pay": {"min": "0", "unit": "month"}}, "pay zero"),
        ({"pay": {"min": "-5", "unit": "month"}}, "pay negative"),
        ({"pay": {"min": "5000", "max": "4000", "unit": "month"}}, "max below min"),
        ({"pay": {"min": "5000", "unit": "week"}}, "unknown unit"),
        ({"headcount": 0}, "headcount zero"),
        ({"kind": "internship"}, "unknown kind"),
        ({"certificates": ["屠龙证"]}, "unknown certificate"),
        ({"valid_until": "2030-01-01T00:00:00"}, "time without offset"),
    ],
)
async def test_bad_posting_field_is_a_422_problem(
    client: httpx.AsyncClient, token: Token, employer_id: str, change: dict[str, Any], why: str
) -> None:
    response = await client.post(
        "/v1/postings", json=job_body(employer_id) | change, headers=token("employer", "e1")
    )

    _assert_problem(response, 422, "validation_failed")


async def test_broken_json_is_a_422_problem(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.post(
        "/v1/employers",
        content=b'{"name": "\xe7\x94\xb2", "kind":',
        headers=token("employer", "e1") | {"Content-Type": "application/json"},
    )

    _assert_problem(response, 422, "malformed_json")


async def test_invalid_utf8_is_a_4xx_problem(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.post(
        "/v1/employers",
        content=b'{"name": "\xff\xfe", "kind": "shop"}',
        headers=token("employer", "e1") | {"Content-Type": "application/json"},
    )

    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"


async def test_body_over_one_mebibyte_is_413(client: httpx.AsyncClient, token: Token) -> None:
    big = b'{"name": "' + b"a" * (1024 * 1024 + 10) + b'", "kind": "shop"}'
    response = await client.post(
        "/v1/employers", content=big, headers=token("employer", "e1") | {"Content-Type": "application/json"}
    )

    _assert_problem(response, 413, "body_too_large")


async def test_page_size_over_the_cap_is_422(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.get("/v1/postings", params={"limit": 100000}, headers=token("seeker", "s1"))

    _assert_problem(response, 422, "page_size_too_large")


async def test_garbage_cursor_is_422(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.get(
        "/v1/postings", params={"cursor": "not-a-cursor"}, headers=token("seeker", "s1")
    )

    _assert_problem(response, 422, "bad_cursor")


async def test_malformed_posting_id_is_422(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.get("/v1/postings/123", headers=token("seeker", "s1"))

    _assert_problem(response, 422)


async def test_refused_posting_leaves_nothing_behind(
    client: httpx.AsyncClient, token: Token, employer_id: str
) -> None:
    headers = token("employer", "e1")
    before = (await client.get("/v1/feed", headers=token("service", "m"))).json()["events"]

    response = await client.post(
        "/v1/postings", json=job_body(employer_id, pay={"min": "0.5", "unit": "month"}), headers=headers
    )
    after = (await client.get("/v1/feed", headers=token("service", "m"))).json()["events"]
    listed = (await client.get("/v1/postings", headers=headers)).json()["items"]

    assert response.status_code == 422
    assert (len(after), listed) == (len(before), [])


async def test_no_extreme_number_in_a_query_parameter_gets_a_server_error(
    app: FastAPI, client: httpx.AsyncClient, token: Token
) -> None:
    roles = {"employer": token("employer", "e1"), "staff": token("staff", "staff-1", station="st-1"),
             "admin": token("admin", "a-1"), "service": token("service", "matching"),
             "seeker": token("seeker", "s-1")}  # fmt: skip
    requests, answers = await extreme_query_answers(client, app.openapi(), roles)

    assert requests >= 30  # every listing's limit, the feed's after, limit and wait
    assert [a for a in answers if a[-1] >= 500] == []
    assert ("service", "GET", "/v1/feed", {"after": 2**63}, 422) in answers
