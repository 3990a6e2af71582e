"""Builders for the seekers tests: bodies, ID numbers, one-call registrations, direct database reads."""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import ManualClock

Token = Callable[..., dict[str, str]]
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
STATION = "station-liangshan-1"
COUNTY = "370832"  # 梁山县, where seeker_body's home is

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(region: str = "370832", born: str = "19750601", seq: str = "104") -> str:
    """A resident ID number with the right GB 11643 check character (computed here, independently)."""
    first17 = region + born + seq
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def wrong_check(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def seeker_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "desired_text": "焊工，会开叉车",
        "occupation_codes": ["6-18-02-04"],
        "home": {"lat": 35.8024, "lng": 116.0958, "address": "梁山县拳铺镇某村"},
        "travel_mode": "ebike",
        "max_commute_minutes": 30,
        "availability": [{"weekday": 0, "start_minute": 480, "end_minute": 1080}],
        "pay_expectation": {"amount": "200", "unit": "day"},
        "certificates": ["焊工证"],
        "experience_years": 5,
        "accommodations": ["seated_work"],
        "kinds": ["job", "gig"],
        "birth_year": 1975,
        "birth_month": 6,
        "phone": "13812341234",
        "consent": {"purposes": ["matching"], "method": "app"},
    }
    body.update(overrides)
    return body


def staff_consent(*purposes: str, method: str = "in_person_signed") -> dict[str, Any]:
    return {
        "purposes": list(purposes or ("matching",)),
        "method": method,
        "agreed_at": "2026-11-23T09:30:00+08:00",
    }


def sensitive_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "disability": True,
        "disability_level": 4,
        "health_notes": "右腿行动不便，可坐姿工作",
        "id_number": id_number(),
        "zero_employment_household": True,
        "priority_groups": ["older_worker_45_65"],
    }
    body.update(overrides)
    return body


@pytest.fixture(autouse=True)
def fixed_clock(clock: ManualClock) -> ManualClock:
    clock.set(NOW)
    return clock


@pytest.fixture
def me(token: Token) -> dict[str, str]:
    return token("seeker", "seeker-1")


@pytest.fixture
def staff(token: Token) -> dict[str, str]:
    return token("staff", "staff-wang", station=STATION, county=COUNTY)


@pytest.fixture
def admin(token: Token) -> dict[str, str]:
    return token("admin", "admin-1")


async def register(client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await client.post("/v1/seekers", json=seeker_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def grant(
    client: httpx.AsyncClient, headers: dict[str, str], seeker_id: str, *purposes: str, method: str = "app"
) -> None:
    response = await client.post(
        f"/v1/seekers/{seeker_id}/consents",
        json={"purposes": list(purposes), "method": method},
        headers=headers,
    )
    assert response.status_code == 201, response.text


async def put_sensitive(
    client: httpx.AsyncClient, headers: dict[str, str], seeker_id: str, **overrides: Any
) -> httpx.Response:
    return await client.put(
        f"/v1/seekers/{seeker_id}/sensitive", json=sensitive_body(**overrides), headers=headers
    )


@pytest.fixture
async def registered(matching_client: httpx.AsyncClient, me: dict[str, str]) -> dict[str, Any]:
    """seeker-1, self-registered, with the sensitive consent and a sensitive record on file."""
    seeker = await register(matching_client, me)
    await grant(matching_client, me, seeker["id"], "sensitive_for_priority_help")
    response = await put_sensitive(matching_client, me, seeker["id"])
    assert response.status_code == 201, response.text
    return seeker


@pytest.fixture
async def session(matching_app: FastAPI) -> AsyncIterator[AsyncSession]:
    """A session on the test's database, beside the app's (for raw reads and the ranking query)."""
    async with matching_app.state.sessionmaker() as s:
        yield s
