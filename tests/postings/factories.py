"""Small builders for the postings tests: bodies and one-call setups through the API."""

from datetime import datetime, timedelta
from typing import Any

import httpx

SHANGHAI = "+08:00"


def iso(when: datetime) -> str:
    return when.isoformat()


def employer_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "济南鲁焊机械有限公司", "kind": "company", "county_adcode": "370102"}
    body.update(overrides)
    return body


def job_body(employer_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "employer_id": employer_id,
        "kind": "job",
        "title": "电焊工",
        "description": "负责钢结构焊接，持焊工证，男女不限，包午餐。",
        "occupation_code": "6-18-02-04",
        "location": {
            "lat": 36.6665,
            "lng": 117.0764,
            "county_adcode": "370102",
            "address": "济南市历下区经十路",
        },
        "pay": {"min": "6000", "max": "8000", "unit": "month"},
        "headcount": 3,
        "certificates": ["焊工证"],
    }
    body.update(overrides)
    return body


def gig_body(employer_id: str, now: datetime, **overrides: Any) -> dict[str, Any]:
    start = now + timedelta(days=2)
    body: dict[str, Any] = {
        "employer_id": employer_id,
        "kind": "gig",
        "title": "仓库装卸工（日结）",
        "description": "负责仓库货物装卸，日结，男女不限。",
        "location": {"lat": 36.6665, "lng": 117.0764, "county_adcode": "370102"},
        "pay": {"min": "25", "unit": "hour"},
        "headcount": 4,
        "booking": "instant",
        "shifts": [{"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=4)), "headcount": 2}],
    }
    body.update(overrides)
    return body


async def create_employer(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post("/v1/employers", json=employer_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def create_posting(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    response = await client.post("/v1/postings", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json()), response.headers["ETag"]


async def publish(
    client: httpx.AsyncClient, headers: dict[str, str], posting_id: str, etag: str
) -> httpx.Response:
    return await client.post(f"/v1/postings/{posting_id}/publish", headers=headers | {"If-Match": etag})
