"""Households fixtures: the cases fixtures (staff, registration) and the live apps."""

from typing import Any

import httpx

from tests.matching.cases.conftest import (  # noqa: F401
    county_staff,
    db,
    live_matching,
    live_matching_app,
    other_staff,
    postings,
    replica_settings,
    staff,
)

Headers = dict[str, str]
CONSENT = {"method": "in_person_signed", "agreed_at": "2026-11-23T09:30:00+08:00"}


async def household(client: httpx.AsyncClient, headers: Headers, *members: str) -> dict[str, Any]:
    """A household in 历下区 with `members` added (each with their consent)."""
    made = await client.post("/v1/households", json={"county_adcode": "370102"}, headers=headers)
    assert made.status_code == 201, made.text
    body = dict(made.json())
    for seeker_id in members:
        added = await client.post(
            f"/v1/households/{body['id']}/members",
            json={"seeker_id": seeker_id, "consent": CONSENT},
            headers=headers,
        )
        assert added.status_code == 201, added.text
        body = dict(added.json())
    return body
