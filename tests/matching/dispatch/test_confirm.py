"""确认 when the postings service cannot be reached: every assigned worker's result says so, nothing is
lost, and a second 确认 sends the same Idempotency-Keys and books them."""

import uuid

import httpx
from fastapi import FastAPI

from services.matching.referrals.client import PostingsActions
from services.matching.referrals.config import ReferralSettings
from tests.matching.dispatch.morning import gig, morning_plan, today
from tests.matching.serving.conftest import Feed, Token


class Postings:
    """A stand-in postings service at the transport: down, or booking every shift; records the keys."""

    def __init__(self) -> None:
        self.up = False
        self.keys: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.keys.append(request.headers["Idempotency-Key"])
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        shift_id = request.url.path.split("/")[3]
        engagement = {"id": str(uuid.uuid4()), "posting_id": str(uuid.uuid4()), "shift_id": shift_id}
        return httpx.Response(201, json={"outcome": "booked", "engagement": engagement, "application": None})


async def use(app: FastAPI, postings: Postings) -> None:
    """The app's postings client, now through `postings` (the lifespan's client is closed)."""
    await app.state.postings_actions.aclose()
    settings = ReferralSettings(max_attempts=2, backoff_seconds=0)
    transport = httpx.MockTransport(postings)
    app.state.postings_actions = PostingsActions("http://postings", settings, transport=transport)


async def test_an_unreachable_postings_service_is_reported_per_worker_and_a_retry_books_once(
    app: FastAPI, client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    await gig(feed, "仓库装卸工", today(8, headcount=2))
    plan = await morning_plan(client, token, staff, "w-1", "w-2")
    postings = Postings()
    await use(app, postings)
    down = await client.post(f"/v1/dispatch/plans/{plan['id']}/confirm", headers=staff)
    assert down.status_code == 200, down.text
    assert [p["result"]["outcome"] for p in down.json()["items"]] == ["unreachable", "unreachable"]
    assert down.json()["items"][0]["result"]["code"] == "postings_unreachable"
    tried = sorted(set(postings.keys))
    postings.up = True
    up = await client.post(f"/v1/dispatch/plans/{plan['id']}/confirm", headers=staff)
    assert [p["result"]["outcome"] for p in up.json()["items"]] == ["booked", "booked"]
    assert sorted(set(postings.keys)) == tried
    assert len(tried) == 2


async def test_a_confirmed_plan_cannot_be_swapped(
    app: FastAPI, client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    await gig(feed, "仓库装卸工", today(8, headcount=2))
    plan = await morning_plan(client, token, staff, "w-1")
    postings = Postings()
    postings.up = True
    await use(app, postings)
    await client.post(f"/v1/dispatch/plans/{plan['id']}/confirm", headers=staff)
    swap = {"seeker_id": "w-1", "shift_id": None, "reason": "不去了"}
    response = await client.post(f"/v1/dispatch/plans/{plan['id']}/swaps", json=swap, headers=staff)
    assert response.status_code == 409
    assert response.json()["code"] == "dispatch_plan_confirmed"
