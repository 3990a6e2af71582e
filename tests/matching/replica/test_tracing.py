"""OpenTelemetry traces across both services, with the real SDK and an in-memory exporter per service.

Both apps run in this event loop; matching reaches postings through `Wire`, an ASGITransport that
hands the request over in an empty OpenTelemetry context, as a network does: the trace context crosses
only as the W3C `traceparent` header.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import httpx
import nats
import pytest
from fastapi import FastAPI
from nats.js.errors import NotFoundError
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.kit.tracing import TracingSettings
from services.matching.config import MatchingSettings
from services.matching.replica.client import PostingsClient, token_source
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.jetstream import JetStreamFeed
from services.matching.replica.listeners import ReplicaListeners
from services.postings.config import PostingsSettings
from services.postings.main import create_app as create_postings
from services.postings.relay.config import RelaySettings
from services.postings.relay.relay import FeedRelay
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.jetstream import NATS_URL, relay_settings, stream_name
from tests.matching.referrals.conftest import Token, matching_with, open_job, walk_in
from tests.matching.replica.conftest import Db, Sleeps, catch_up
from tests.postings.factories import employer_body

__all__ = ["relay_settings", "stream_name"]  # fixtures

TRACED = TracingSettings(enabled=True, exporter="none")
SEEKER = "walk-in-trace-7"


class Wire(httpx.AsyncBaseTransport):
    """ASGITransport to `app` across a process boundary: the app sees the request, not our context."""

    def __init__(self, app: FastAPI) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        token = otel_context.attach(otel_context.Context())
        try:
            return await self._inner.handle_async_request(request)
        finally:
            otel_context.detach(token)


def traced(app: FastAPI) -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    app.state.tracing.add_exporter(exporter)
    return exporter


@pytest.fixture
async def postings_app_traced(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings, clock: ManualClock
) -> AsyncIterator[FastAPI]:
    settings = PostingsSettings(
        database_url=await make_database("postings"), auth=auth_settings, tracing=TRACED
    )
    app = create_postings(settings, clock, background=False)
    async with LifespanApp(app) as running:
        yield running


@pytest.fixture
def postings_spans(postings_app_traced: FastAPI) -> InMemorySpanExporter:
    return traced(postings_app_traced)


@pytest.fixture
async def postings_traced(postings_app_traced: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(postings_app_traced) as client:
        yield client


@pytest.fixture
async def matching_app_traced(
    matching_settings: MatchingSettings, clock: ManualClock, postings_app_traced: FastAPI
) -> AsyncIterator[FastAPI]:
    settings = matching_settings.model_copy(update={"tracing": TRACED})
    app = matching_with(settings, clock, Wire(postings_app_traced))
    async with LifespanApp(app) as running:
        # Postings asks this matching app whom staff reach, across the same kind of boundary.
        await ask_matching(postings_app_traced, running, Wire(running))
        yield running


@pytest.fixture
def matching_spans(matching_app_traced: FastAPI) -> InMemorySpanExporter:
    return traced(matching_app_traced)


@pytest.fixture
async def matching_traced(matching_app_traced: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(matching_app_traced) as client:
        yield client


def consumer_for(
    app: FastAPI,
    source: PostingsClient | JetStreamFeed,
    db: Db,
    clock: ManualClock,
    settings: ReplicaSettings,
) -> ReplicaConsumer:
    tracer = app.state.tracing.tracer if app.state.tracing is not None else None
    return ReplicaConsumer(source, db, clock, settings, ReplicaListeners(), sleep=Sleeps(), tracer=tracer)


def http_source(postings_app: FastAPI, auth: AuthSettings, settings: ReplicaSettings) -> PostingsClient:
    return PostingsClient(
        "http://postings.test",
        token_source(auth, settings),
        settings,
        transport=Wire(postings_app),
    )


async def stream_made(name: str, timeout: float = 20) -> None:
    connection = await nats.connect(NATS_URL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                await connection.jetstream().stream_info(name)
                return
            except NotFoundError:
                assert time.monotonic() < deadline, "the relay never made its stream"
                await asyncio.sleep(0.05)
    finally:
        await connection.close()


def one(spans: Sequence[ReadableSpan], name: str) -> ReadableSpan:
    found = [s for s in spans if s.name == name]
    assert len(found) == 1, [s.name for s in spans]
    return found[0]


def values(spans: Sequence[ReadableSpan]) -> str:
    """Every attribute value and span name, as text (to search for personal data)."""
    return " ".join(f"{s.name} {' '.join(map(str, (s.attributes or {}).values()))}" for s in spans)


async def test_a_request_to_postings_makes_a_server_span_named_by_its_route_template(
    postings_traced: httpx.AsyncClient, postings_spans: InMemorySpanExporter, owner: dict[str, str]
) -> None:
    posting = await open_job(postings_traced, owner)
    postings_spans.clear()

    response = await postings_traced.get(f"/v1/postings/{posting}?secret=13800138000", headers=owner)
    await postings_traced.get("/healthz")

    assert response.status_code == 200
    spans = postings_spans.get_finished_spans()
    server = one(spans, "GET /v1/postings/{posting_id}")
    assert server.kind == SpanKind.SERVER
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/v1/postings/{posting_id}"
    assert (
        server.attributes.get("http.response.status_code", server.attributes.get("http.status_code")) == 200
    )
    assert posting not in values(spans)
    assert "13800138000" not in values(spans)
    assert [s.name for s in spans] == ["GET /v1/postings/{posting_id}"]  # none for /healthz


async def test_a_referral_is_one_trace_across_matching_and_postings(
    matching_traced: httpx.AsyncClient,
    postings_traced: httpx.AsyncClient,
    matching_spans: InMemorySpanExporter,
    postings_spans: InMemorySpanExporter,
    staff: dict[str, str],
    owner: dict[str, str],
) -> None:
    await walk_in(matching_traced, staff, SEEKER)
    posting = await open_job(postings_traced, owner)
    matching_spans.clear()
    postings_spans.clear()

    response = await matching_traced.post(
        f"/v1/seekers/{SEEKER}/referrals", json={"posting_id": posting}, headers=staff
    )

    assert response.status_code == 201, response.text
    referral = one(matching_spans.get_finished_spans(), "POST /v1/seekers/{seeker_id}/referrals")
    calls = [s for s in matching_spans.get_finished_spans() if s.kind == SpanKind.CLIENT]
    answered = one(postings_spans.get_finished_spans(), "POST /v1/postings/{posting_id}/applications")
    assert answered.kind == SpanKind.SERVER
    assert referral.context is not None
    assert answered.context is not None
    assert answered.parent is not None
    assert answered.context.trace_id == referral.context.trace_id
    assert answered.parent.span_id in {c.context.span_id for c in calls if c.context is not None}
    every = [*matching_spans.get_finished_spans(), *postings_spans.get_finished_spans()]
    assert SEEKER not in values(every)
    assert posting not in values(every)


async def test_the_feed_event_of_a_referral_is_applied_in_the_referrals_trace(
    matching_app_traced: FastAPI,
    matching_traced: httpx.AsyncClient,
    postings_app_traced: FastAPI,
    postings_traced: httpx.AsyncClient,
    matching_spans: InMemorySpanExporter,
    db: Db,
    clock: ManualClock,
    auth_settings: AuthSettings,
    staff: dict[str, str],
    owner: dict[str, str],
) -> None:
    await walk_in(matching_traced, staff, SEEKER)
    posting = await open_job(postings_traced, owner)
    matching_spans.clear()
    response = await matching_traced.post(
        f"/v1/seekers/{SEEKER}/referrals", json={"posting_id": posting}, headers=staff
    )
    assert response.status_code == 201, response.text
    settings = ReplicaSettings(page_size=100, poll_wait_seconds=0)

    async with http_source(postings_app_traced, auth_settings, settings) as source:
        await catch_up(consumer_for(matching_app_traced, source, db, clock, settings))

    spans = matching_spans.get_finished_spans()
    referral = one(spans, "POST /v1/seekers/{seeker_id}/referrals")
    applied = one(spans, "feed apply application.created")
    assert referral.context is not None
    assert applied.context is not None
    assert applied.context.trace_id == referral.context.trace_id
    assert applied.kind == SpanKind.CONSUMER


async def test_a_posting_published_at_postings_is_applied_by_matching_as_a_child_of_the_publishing_request(
    matching_app_traced: FastAPI,
    postings_app_traced: FastAPI,
    postings_traced: httpx.AsyncClient,
    postings_spans: InMemorySpanExporter,
    matching_spans: InMemorySpanExporter,
    db: Db,
    clock: ManualClock,
    auth_settings: AuthSettings,
    owner: dict[str, str],
) -> None:
    await open_job(postings_traced, owner)
    publish = one(postings_spans.get_finished_spans(), "POST /v1/postings/{posting_id}/publish")
    settings = ReplicaSettings(page_size=100, poll_wait_seconds=0)

    async with http_source(postings_app_traced, auth_settings, settings) as source:
        await catch_up(consumer_for(matching_app_traced, source, db, clock, settings))

    spans = matching_spans.get_finished_spans()
    applied = one(spans, "feed apply posting.published")
    page = next(s for s in spans if s.name == "feed apply" and s.links)
    assert publish.context is not None
    assert applied.parent is not None
    assert applied.parent.span_id == publish.context.span_id
    assert applied.parent.trace_id == publish.context.trace_id
    assert publish.context.span_id in {link.context.span_id for link in page.links}


async def test_a_posting_published_is_applied_in_its_trace_through_jetstream_too(
    matching_app_traced: FastAPI,
    postings_app_traced: FastAPI,
    postings_traced: httpx.AsyncClient,
    postings_spans: InMemorySpanExporter,
    matching_spans: InMemorySpanExporter,
    db: Db,
    clock: ManualClock,
    relay_settings: RelaySettings,
    stream_name: str,
    owner: dict[str, str],
) -> None:
    await open_job(postings_traced, owner)
    publish = one(postings_spans.get_finished_spans(), "POST /v1/postings/{posting_id}/publish")
    settings = ReplicaSettings(
        transport="jetstream", jetstream_url=NATS_URL, jetstream_stream=stream_name, page_size=100
    )
    relay = FeedRelay(postings_app_traced.state.sessionmaker, relay_settings)
    relay.start()
    await stream_made(stream_name)  # the relay makes its stream as it starts; read only once it is there
    source = JetStreamFeed(settings)
    consumer = consumer_for(matching_app_traced, source, db, clock, settings)
    try:
        deadline = time.monotonic() + 20
        while not [
            s for s in matching_spans.get_finished_spans() if s.name == "feed apply posting.published"
        ]:
            assert time.monotonic() < deadline, "the published posting never reached the consumer"
            await consumer.step(wait=0.5)
            await asyncio.sleep(0)
    finally:
        await relay.stop()
        await source.aclose()

    applied = one(matching_spans.get_finished_spans(), "feed apply posting.published")
    assert publish.context is not None
    assert applied.parent is not None
    assert (applied.parent.trace_id, applied.parent.span_id) == (
        publish.context.trace_id,
        publish.context.span_id,
    )
    assert applied.attributes is not None
    assert applied.attributes["messaging.system"] == "nats"


async def test_with_tracing_off_nothing_is_set_up_and_a_callers_trace_context_is_not_stored(
    make_database: Callable[[str], Awaitable[str]],
    auth_settings: AuthSettings,
    clock: ManualClock,
    owner: dict[str, str],
    token: Token,
) -> None:
    settings = PostingsSettings(database_url=await make_database("postings"), auth=auth_settings)
    app = create_postings(settings, clock, background=False)
    caller = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}

    async with LifespanApp(app) as running, client_for(running) as postings:
        employer = (await postings.post("/v1/employers", json=employer_body(), headers=owner | caller)).json()
        feed = await postings.get("/v1/feed", headers=token("service", "matching"))

    assert app.state.tracing is None
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)
    events = feed.json()["events"]
    assert [e["aggregate_id"] for e in events] == [employer["id"]]
    assert [(e["traceparent"], e["tracestate"]) for e in events] == [(None, None)]


@pytest.fixture
def staff(token: Token) -> dict[str, str]:
    return token("staff", "staff-wang", station="station-lixia-1")


@pytest.fixture
def owner(token: Token) -> dict[str, str]:
    return token("employer", "employer-owner")
