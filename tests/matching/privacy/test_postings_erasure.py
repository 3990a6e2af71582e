"""A seeker's erasure reaching the postings service (docs/privacy.md §7), through both apps' HTTP APIs.

The seeker applied to a job with a note, worked a gig that was paid and rated both ways, and worked a
second gig that is disputed as unpaid. Matching erases them and passes the erasure on; postings keeps
exactly what its rule keeps, and the feed no longer carries the note or the id."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.outcomes.hooks import outcome_hooks
from services.matching.privacy.config import PrivacySettings
from services.matching.privacy.delivery import DeliveryReport
from services.matching.replica.client import PostingsClient, token_source
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.listeners import ReplicaListeners
from services.postings.appeals.models import Appeal
from services.postings.applications.models import Application
from services.postings.disputes.models import Dispute
from services.postings.engagements.models import Engagement
from services.postings.feed.models import OutboxEvent
from services.postings.notifications.models import Notification
from services.postings.ratings.models import Rating
from tests.conftest import LifespanApp
from tests.matching.privacy.conftest import Headers, Token, _with_privacy
from tests.matching.referrals.conftest import matching_with
from tests.matching.seekers.conftest import seeker_body
from tests.postings.lifecycle.factories import open_gig, open_job, step, worked

SEEKER = "s-erase-1"
NOTE = "我左腿有旧伤，电话13912345678"
DISPUTE_NOTE = "老板说下周再给"
COMMENT = "工钱当天结清"
ABOUT_WORKER = "干活麻利"
HOME = "370102"  # where the postings factories' work is


class Link(httpx.AsyncBaseTransport):
    """The postings app behind a line that can be cut."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.down = inner, False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("postings is down", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def privacy_settings() -> PrivacySettings:
    return PrivacySettings(sweep_enabled=False, erasure_delivery_enabled=False)


@pytest.fixture
def link(postings_app: FastAPI) -> Link:
    return Link(httpx.ASGITransport(app=postings_app))


@pytest.fixture
async def matching_app(
    matching_settings: MatchingSettings, clock: ManualClock, link: Link, privacy_settings: PrivacySettings
) -> AsyncIterator[FastAPI]:
    app = matching_with(matching_settings, clock, link, background=False)
    async with LifespanApp(_with_privacy(app, privacy_settings)) as running:
        yield running


@dataclass
class History:
    application_id: str
    paid_id: str
    disputed_id: str
    dispute_id: str


async def history(postings: httpx.AsyncClient, token: Token, clock: ManualClock) -> History:
    """What the seeker did on the postings side before asking to be erased."""
    me, boss = token("seeker", SEEKER), token("employer", "boss-1")
    job = await open_job(postings, boss)
    applied = await postings.post(f"/v1/postings/{job['id']}/applications", json={"note": NOTE}, headers=me)
    assert applied.status_code == 201, applied.text

    paid = await worked(postings, me, await open_gig(postings, boss, clock.now()), clock)
    assert (await step(postings, boss, paid["id"], "confirm", amount="100.00")).status_code == 200
    assert (await step(postings, me, paid["id"], "paid")).status_code == 200
    assert (await step(postings, me, paid["id"], "ratings", stars=5, comment=COMMENT)).status_code == 201
    assert (
        await step(postings, boss, paid["id"], "ratings", stars=4, comment=ABOUT_WORKER)
    ).status_code == 201

    unpaid = await worked(postings, me, await open_gig(postings, boss, clock.now()), clock)
    assert (await step(postings, boss, unpaid["id"], "confirm", amount="100.00")).status_code == 200
    clock.advance(timedelta(hours=25))
    disputed = await step(postings, me, unpaid["id"], "not-paid", note=DISPUTE_NOTE)
    assert disputed.json()["status"] == "disputed", disputed.text
    [dispute] = (await postings.get("/v1/disputes", headers=me)).json()["items"]
    return History(applied.json()["id"], paid["id"], unpaid["id"], dispute["id"])


async def register(matching: httpx.AsyncClient, token: Token) -> Headers:
    me = token("seeker", SEEKER)
    response = await matching.post("/v1/seekers", json=seeker_body(), headers=me)
    assert response.status_code == 201, response.text
    return me


async def erase(matching: httpx.AsyncClient, me: Headers) -> None:
    response = await matching.delete(f"/v1/seekers/{SEEKER}", headers=me)
    assert response.status_code == 204, response.text


async def deliver(matching_app: FastAPI) -> DeliveryReport:
    report: DeliveryReport = await matching_app.state.erasure_courier.run_once()
    return report


async def erased(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    token: Token,
    clock: ManualClock,
) -> History:
    """The history, then the erasure in matching, delivered to postings."""
    me = await register(matching, token)
    done = await history(postings, token, clock)
    await erase(matching, me)
    assert (await deliver(matching_app)).delivered == 1
    return done


async def rows(app: FastAPI, model: Any) -> list[Any]:
    async with app.state.sessionmaker() as session:
        return list((await session.scalars(select(model))).all())


async def outbox_text(app: FastAPI) -> str:
    return json.dumps([[e.aggregate_id, e.data] for e in await rows(app, OutboxEvent)], ensure_ascii=False)


async def pseudonym_of(postings_app: FastAPI) -> str:
    async with postings_app.state.sessionmaker() as session:
        return str(await session.scalar(text("SELECT pseudonym FROM seeker_erasures")))


def by_id(items: list[Any], key: str) -> Any:
    [found] = [i for i in items if str(i.id) == key]
    return found


async def test_the_application_loses_its_note_and_the_link_to_the_person_at_once(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    done = await erased(matching, matching_app, postings, token, clock)

    application = by_id(await rows(postings_app, Application), done.application_id)
    alias = await pseudonym_of(postings_app)

    assert alias.startswith("erased-")
    assert (application.seeker_id, application.note, application.status) == (alias, None, "withdrawn")


async def test_wage_records_keep_the_seeker_id_and_drop_what_no_claim_needs(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    done = await erased(matching, matching_app, postings, token, clock)

    engagements = await rows(postings_app, Engagement)
    [dispute] = await rows(postings_app, Dispute)
    ratings = await rows(postings_app, Rating)
    alias = await pseudonym_of(postings_app)
    answer = await postings.get(f"/v1/engagements/{done.paid_id}", headers=token("seeker", SEEKER))

    assert {e.seeker_id for e in engagements} == {SEEKER}
    assert all(e.checkin_distance_m is not None for e in engagements)
    assert (dispute.seeker_id, dispute.note, dispute.status) == (SEEKER, DISPUTE_NOTE, "open")
    assert [(r.rater, r.seeker_id, r.comment, r.stars) for r in ratings] == [("worker", alias, None, 5)]
    assert answer.status_code == 200  # the worker can still see and claim their wage record
    assert [n for n in await rows(postings_app, Notification) if n.recipient_kind == "seeker"] == []


async def test_the_feed_no_longer_carries_the_note_the_comments_or_the_seeker_id(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    await erased(matching, matching_app, postings, token, clock)

    stored = await outbox_text(postings_app)
    served = json.dumps(
        (await postings.get("/v1/feed", params={"limit": 1000}, headers=token("service", "matching"))).json(),
        ensure_ascii=False,
    )

    for secret in (SEEKER, NOTE, DISPUTE_NOTE, COMMENT, ABOUT_WORKER):
        assert secret not in stored
        assert secret not in served
    assert await pseudonym_of(postings_app) in stored


async def test_after_their_keeping_period_the_sweep_pseudonymises_the_wage_records(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    done = await erased(matching, matching_app, postings, token, clock)
    resolved = await postings.post(
        f"/v1/disputes/{done.dispute_id}/resolve", json={"resolution": "paid"}, headers=token("admin", "a-1")
    )
    assert resolved.status_code == 200, resolved.text
    clock.advance(timedelta(days=729))
    await postings_app.state.erasure.run_once()
    still = {str(e.id): e.seeker_id for e in await rows(postings_app, Engagement)}
    clock.advance(timedelta(days=2))

    late = await postings_app.state.erasure.run_once()

    alias = await pseudonym_of(postings_app)
    engagements = await rows(postings_app, Engagement)
    [dispute] = await rows(postings_app, Dispute)
    assert still == {done.paid_id: alias, done.disputed_id: SEEKER}  # each from its own last moment
    assert late == 1
    assert {(e.seeker_id, e.checkin_distance_m) for e in engagements} == {(alias, None)}
    assert (dispute.seeker_id, dispute.note, dispute.resolution) == (alias, None, "paid")
    assert SEEKER not in await outbox_text(postings_app)
    async with postings_app.state.sessionmaker() as session:
        left = (await session.execute(text("SELECT seeker_id, status FROM seeker_erasures"))).one()
    assert tuple(left) == (None, "done")


async def test_an_open_dispute_holds_its_record_past_the_keeping_period(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    done = await erased(matching, matching_app, postings, token, clock)
    clock.advance(timedelta(days=800))

    await postings_app.state.erasure.run_once()

    engagements = {str(e.id): e.seeker_id for e in await rows(postings_app, Engagement)}
    alias = await pseudonym_of(postings_app)
    assert engagements == {done.paid_id: alias, done.disputed_id: SEEKER}


async def test_an_erasure_while_postings_is_down_is_delivered_when_it_is_back(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
    link: Link,
) -> None:
    me = await register(matching, token)
    done = await history(postings, token, clock)
    link.down = True
    await erase(matching, me)
    failed = await deliver(matching_app)
    link.down = False
    too_soon = await deliver(matching_app)  # waits before trying again
    clock.advance(timedelta(minutes=5))

    later = await deliver(matching_app)

    application = by_id(await rows(postings_app, Application), done.application_id)
    assert (failed.failed, failed.causes) == (1, ["ConnectError"])
    assert (too_soon.delivered, too_soon.failed) == (0, 0)
    assert later.delivered == 1
    assert application.note is None
    assert (await deliver(matching_app)).delivered == 0  # acknowledged: not sent again


async def test_a_second_erasure_request_answers_the_same_and_changes_nothing(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    await erased(matching, matching_app, postings, token, clock)
    alias = await pseudonym_of(postings_app)
    before = await outbox_text(postings_app)
    url = f"/v1/seekers/{SEEKER}/erasure"
    service = token("service", "matching")

    first = await postings.post(url, json={"pseudonym": alias}, headers=service)
    second = await postings.post(url, json={"pseudonym": alias}, headers=service)

    assert first.status_code == second.status_code == 200, second.text
    assert first.json() | {"requested_at": None} == second.json() | {"requested_at": None}
    assert (second.json()["status"], second.json()["held"]) == ("holding", 2)
    assert await outbox_text(postings_app) == before


async def test_another_pseudonym_for_a_seeker_being_erased_is_a_conflict(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    await erased(matching, matching_app, postings, token, clock)

    response = await postings.post(
        f"/v1/seekers/{SEEKER}/erasure",
        json={"pseudonym": "erased-" + "0" * 32},
        headers=token("service", "matching"),
    )

    assert response.status_code == 409
    assert response.json()["code"] == "erasure_pseudonym_mismatch"


async def test_a_feed_event_with_the_id_after_the_erasure_does_not_write_it_back_into_matching(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
    auth_settings: AuthSettings,
) -> None:
    me = await register(matching, token)
    done = await history(postings, token, clock)
    settings = ReplicaSettings(page_size=100, poll_wait_seconds=0)
    client = PostingsClient(
        "http://postings.test",
        token_source(auth_settings, settings),
        settings,
        transport=httpx.ASGITransport(app=postings_app),
    )
    consumer = ReplicaConsumer(
        client,
        matching_app.state.sessionmaker,
        clock,
        settings,
        ReplicaListeners(),
        hooks=outcome_hooks(matching_app),
    )
    while await consumer.step(wait=0) is not None:
        pass
    await erase(matching, me)  # not yet delivered: postings still writes the id into the feed
    paid = await step(postings, me, done.disputed_id, "paid")

    while await consumer.step(wait=0) is not None:
        pass
    await client.aclose()

    assert paid.status_code == 200, paid.text
    async with matching_app.state.sessionmaker() as session:
        held = [
            tuple(r)
            for table in ("outcome_applications", "outcome_engagements", "outcome_placements")
            for r in (await session.execute(text(f"SELECT '{table}', seeker_id FROM {table}"))).all()  # noqa: S608
        ]
    async with matching_app.state.sessionmaker() as session:
        alias = str(await session.scalar(text("SELECT pseudonym FROM postings_erasures")))
    assert SEEKER in json.dumps((await postings.get("/v1/feed", headers=token("service", "m"))).json())
    assert ("outcome_engagements", alias) in held
    assert ("outcome_placements", alias) in held
    assert all(seeker == alias for _, seeker in held)


async def test_an_event_a_kept_record_writes_after_the_erasure_carries_the_pseudonym(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    done = await erased(matching, matching_app, postings, token, clock)
    before = max(e.seq for e in await rows(postings_app, OutboxEvent))

    paid = await step(postings, token("seeker", SEEKER), done.disputed_id, "paid")

    events = [e for e in await rows(postings_app, OutboxEvent) if e.seq > before]
    written = json.dumps([[e.aggregate_id, e.data] for e in events], ensure_ascii=False)
    assert paid.status_code == 200, paid.text
    assert "engagement.paid" in {e.type for e in events}
    assert SEEKER not in written
    assert await pseudonym_of(postings_app) in written


async def test_appeals_lose_their_reason_and_take_the_pseudonym(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    me = await register(matching, token)
    boss = token("employer", "boss-2")
    gig = await open_gig(postings, boss, clock.now())
    booked = await postings.post(f"/v1/shifts/{gig.shift_id}/bookings", json={}, headers=me)
    assert booked.status_code == 201, booked.text
    engagement_id = booked.json()["engagement"]["id"]
    clock.set(gig.starts_at + timedelta(hours=1))
    await postings_app.state.deadlines.run_once()  # no check-in: a no-show mark
    appealed = await step(postings, me, engagement_id, "appeal", reason="那天住院了，有病历")
    assert appealed.status_code == 201, appealed.text

    await erase(matching, me)
    await deliver(matching_app)

    [appeal] = await rows(postings_app, Appeal)
    alias = await pseudonym_of(postings_app)
    assert (appeal.seeker_id, appeal.reason) == (alias, "(erased)")
    assert by_id(await rows(postings_app, Engagement), engagement_id).seeker_id == alias


async def test_a_booked_shift_is_cancelled_without_a_mark_and_its_slot_freed(
    matching: httpx.AsyncClient,
    matching_app: FastAPI,
    postings: httpx.AsyncClient,
    postings_app: FastAPI,
    token: Token,
    clock: ManualClock,
) -> None:
    me = await register(matching, token)
    boss = token("employer", "boss-3")
    gig = await open_gig(postings, boss, clock.now(), starts_in=timedelta(hours=3))
    booked = await postings.post(f"/v1/shifts/{gig.shift_id}/bookings", json={}, headers=me)
    assert booked.status_code == 201, booked.text

    await erase(matching, me)
    await deliver(matching_app)

    engagement = by_id(await rows(postings_app, Engagement), booked.json()["engagement"]["id"])
    shifts = (await postings.get(f"/v1/postings/{gig.posting_id}/shifts", headers=boss)).json()
    assert (engagement.status, engagement.worker_mark, engagement.late_cancel) == (
        "cancelled_by_worker",
        None,
        False,
    )
    assert engagement.seeker_id == await pseudonym_of(postings_app)
    assert shifts[0]["filled"] == 0
