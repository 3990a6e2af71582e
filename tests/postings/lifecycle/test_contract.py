"""The lifecycle's routes keep the API's contract: every transition takes an Idempotency-Key, mutated
bodies never cause a 500, and a database pool that stays exhausted is a 503 to retry."""

import random
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.exc import TimeoutError as PoolTimeout

from services.kit.clock import ManualClock
from tests.postings.lifecycle.factories import booked, open_gig, open_job, worked
from tests.postings.test_openapi_contract import mutate

Token = Callable[..., dict[str, str]]
TRANSITIONS = (
    "/v1/postings/{posting_id}/applications",
    "/v1/applications/{application_id}/accept",
    "/v1/applications/{application_id}/reject",
    "/v1/applications/{application_id}/withdraw",
    "/v1/shifts/{shift_id}/bookings",
    "/v1/shifts/{shift_id}/cancel",
    "/v1/engagements/{engagement_id}/check-in",
    "/v1/engagements/{engagement_id}/check-out",
    "/v1/engagements/{engagement_id}/confirm",
    "/v1/engagements/{engagement_id}/paid",
    "/v1/engagements/{engagement_id}/not-paid",
    "/v1/engagements/{engagement_id}/cancel",
    "/v1/engagements/{engagement_id}/appeal",
    "/v1/engagements/{engagement_id}/ratings",
    "/v1/appeals/{appeal_id}/uphold",
    "/v1/appeals/{appeal_id}/reject",
    "/v1/disputes/{dispute_id}/resolve",
)

STATE_MACHINE = [p for p in TRANSITIONS if p.startswith(("/v1/applications/", "/v1/engagements/"))]


def test_every_transition_documents_idempotency_and_its_conflicts(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    for path in TRANSITIONS:
        operation = paths[path]["post"]
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path
        assert "401" in operation["responses"], path
    for path in STATE_MACHINE:
        assert "409" in paths[path]["post"]["responses"], path


async def test_mutated_lifecycle_bodies_never_cause_a_500(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    spec = app.openapi()["components"]["schemas"]
    boss, worker = token("employer", "boss"), token("seeker", "s1")
    job = await open_job(client, boss)
    gig = await open_gig(client, boss, clock.now(), headcount=3)
    open_seat = await booked(client, token("seeker", "s2"), gig.shift_id)
    done = await worked(client, worker, gig, clock)

    def example(name: str) -> dict[str, Any]:
        return dict(spec[name]["examples"][0])

    targets = [
        (worker, f"/v1/postings/{job['id']}/applications", example("ApplicationCreate")),
        (worker, f"/v1/shifts/{gig.shift_id}/bookings", example("BookingCreate")),
        (token("seeker", "s2"), f"/v1/engagements/{open_seat['id']}/check-in", example("Presence")),
        (boss, f"/v1/engagements/{done['id']}/confirm", example("Confirmation")),
        (worker, f"/v1/engagements/{done['id']}/not-paid", example("NotPaidReport")),
        (worker, f"/v1/engagements/{done['id']}/ratings", example("RatingCreate")),
        (worker, f"/v1/engagements/{done['id']}/appeal", example("AppealCreate")),
        (token("seeker", "s2"), f"/v1/engagements/{open_seat['id']}/cancel", example("Cancellation")),
        (
            token("staff", "c1", station="st-lixia"),
            f"/v1/disputes/{done['id']}/resolve",
            example("DisputeResolve"),
        ),
    ]
    rng = random.Random(20261123)
    for headers, url, body in targets:
        for _ in range(25):
            response = await client.post(url, json=mutate(body, rng), headers=headers)
            assert response.status_code < 500, (url, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"


async def test_an_exhausted_connection_pool_is_a_503_to_retry(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    async def exhausted() -> None:
        raise PoolTimeout("QueuePool limit of size 10 overflow 10 reached")

    app.add_api_route("/test/exhausted", exhausted)

    response = await client.get("/test/exhausted")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json()["code"] == "busy"
