"""Cases fixtures: staff of 历下区 and of 市南区, seekers registered with or without the sensitive consent."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from services.kit.auth import mint_token
from services.kit.settings import AuthSettings
from tests.matching.replica.conftest import (  # noqa: F401
    db,
    live_matching,
    live_matching_app,
    postings,
    replica_settings,
)
from tests.matching.seekers.conftest import seeker_body

HOME = "370102"  # 历下区, where the seekers live and the postings factories' jobs are
LIXIA = {"lat": 36.6665, "lng": 117.0764, "county_adcode": HOME}
SHINAN = {"lat": 36.0671, "lng": 120.3826, "county_adcode": "370202"}  # 青岛 市南区
Headers = dict[str, str]


@pytest.fixture
def county_staff(auth_settings: AuthSettings) -> Callable[[str, str, str], Headers]:
    """county_staff(sub, station, county) → a staff token with a `county_adcode` claim."""

    def make(sub: str, station: str, county: str) -> Headers:
        token = mint_token(auth_settings, "staff", sub, station_id=station, extra={"county_adcode": county})
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def staff(county_staff: Callable[[str, str, str], Headers]) -> Headers:
    return county_staff("clerk-7", "st-lixia", HOME)


@pytest.fixture
def other_staff(county_staff: Callable[[str, str, str], Headers]) -> Headers:
    return county_staff("clerk-9", "st-shinan", "370202")


async def register(
    client: httpx.AsyncClient,
    token: Callable[..., Headers],
    seeker_id: str,
    *,
    sensitive: bool = True,
    **over: Any,
) -> Headers:
    """A self-registered seeker in 历下区; with the sensitive-data consent unless told otherwise."""
    me = token("seeker", seeker_id)
    response = await client.post("/v1/seekers", json=seeker_body(**({"home": LIXIA} | over)), headers=me)
    assert response.status_code == 201, response.text
    if sensitive:
        granted = await client.post(
            f"/v1/seekers/{seeker_id}/consents",
            json={"purposes": ["sensitive_for_priority_help"], "method": "app"},
            headers=me,
        )
        assert granted.status_code == 201, granted.text
    return me


def case_body(seeker_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "seeker_id": seeker_id,
        "group": "disabled",
        "evidence": {"type": "残疾人证", "number": "37010219750601104X42"},
        "caseworker_sub": "clerk-7",
        "caseworker_name": "李老师",
        "goal": "三个月内在家附近找到坐着做的工作",
    }
    body.update(overrides)
    return body


async def open_case(
    client: httpx.AsyncClient, staff: Headers, seeker_id: str, **overrides: Any
) -> dict[str, Any]:
    response = await client.post("/v1/cases", json=case_body(seeker_id, **overrides), headers=staff)
    assert response.status_code == 201, response.text
    return dict(response.json())
