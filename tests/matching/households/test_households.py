"""Households through the API: members with consent, zero status, the list at zero, alerts."""

from collections.abc import Callable
from datetime import timedelta

import httpx
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.matching.cases.conftest import register
from tests.matching.households.conftest import CONSENT, Headers, household

Token = Callable[..., Headers]


async def test_a_household_of_working_age_members_none_employed_is_at_zero(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    await register(matching_client, token, "s-wang-wife")

    made = await household(matching_client, staff, "s-wang", "s-wang-wife")

    assert (made["status"], made["days_at_zero"]) == ("zero", 0)
    assert [(m["seeker_id"], m["working_age"], m["employed"]) for m in made["members"]] == [
        ("s-wang", True, False),
        ("s-wang-wife", True, False),
    ]
    assert len(made["spells"]) == 1


async def test_members_past_working_age_alone_do_not_make_a_zero_household(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-grandpa", birth_year=1950)

    made = await household(matching_client, staff, "s-grandpa")

    assert made["status"] == "none"
    assert made["members"][0]["working_age"] is False


async def test_a_seeker_is_a_member_of_one_household_only(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    await household(matching_client, staff, "s-wang")
    other = await household(matching_client, staff)

    again = await matching_client.post(
        f"/v1/households/{other['id']}/members",
        json={"seeker_id": "s-wang", "consent": CONSENT},
        headers=staff,
    )

    assert again.status_code == 409
    assert again.json()["code"] == "member_elsewhere"


async def test_a_member_without_a_consent_record_is_refused(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")
    made = await household(matching_client, staff)

    response = await matching_client.post(
        f"/v1/households/{made['id']}/members", json={"seeker_id": "s-wang"}, headers=staff
    )

    assert response.status_code == 422


async def test_another_countys_household_is_not_found(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers, other_staff: Headers
) -> None:
    made = await household(matching_client, staff)

    read = await matching_client.get(f"/v1/households/{made['id']}", headers=other_staff)
    listed = await matching_client.get("/v1/households", headers=other_staff)

    assert read.status_code == 404
    assert listed.json()["items"] == []


async def test_zero_households_are_listed_longest_at_zero_first_with_their_days(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers, clock: ManualClock
) -> None:
    for seeker_id in ("s-a", "s-b", "s-c"):
        await register(matching_client, token, seeker_id)
    first = await household(matching_client, staff, "s-a")
    clock.advance(timedelta(days=10))
    second = await household(matching_client, staff, "s-b")
    clock.advance(timedelta(days=2))
    await household(matching_client, staff)  # nobody in it: not at zero

    listed = await matching_client.get(
        "/v1/households", params={"zero": "true", "county": "370102"}, headers=staff
    )

    assert [(h["id"], h["days_at_zero"]) for h in listed.json()["items"]] == [
        (first["id"], 12),
        (second["id"], 2),
    ]


async def test_a_household_at_zero_past_the_limit_raises_one_alert_to_its_county_desk(
    matching_client: httpx.AsyncClient,
    matching_app: FastAPI,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    await register(matching_client, token, "s-wang")
    made = await household(matching_client, staff, "s-wang")
    alerter = matching_app.state.households_alerter

    clock.advance(timedelta(days=30))
    early = await alerter.run_once()
    clock.advance(timedelta(days=1, minutes=1))
    raised = await alerter.run_once()
    again = await alerter.run_once()
    alerts = (
        await matching_client.get("/v1/households/alerts", params={"county": "370102"}, headers=staff)
    ).json()
    acked = await matching_client.post(f"/v1/households/alerts/{alerts[0]['id']}/ack", headers=staff)
    open_ = await matching_client.get(
        "/v1/households/alerts", params={"acknowledged": "false"}, headers=staff
    )

    assert (early, raised, again) == (0, 1, 0)
    assert [(a["household_id"], a["kind"], a["days_at_zero"]) for a in alerts] == [
        (made["id"], "zero_too_long", 31)
    ]
    assert acked.json()["acknowledged_by"] == "clerk-7"
    assert open_.json() == []
