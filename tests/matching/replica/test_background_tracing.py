"""Spans of background tasks (one per round that did something, none for an idle round), the relay's
publish span linked to the trace of the request that wrote the event, and the trace id on log lines."""

import io
import json
from datetime import timedelta

import httpx
import nats
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from services.kit.clock import ManualClock
from services.kit.logging import configure_logging
from services.postings.relay.config import RelaySettings
from services.postings.relay.relay import FeedRelay, ensure_stream
from tests.jetstream import NATS_URL, relay_settings, stream_name
from tests.matching.replica.test_tracing import (
    one,
    owner,
    postings_app_traced,
    postings_spans,
    postings_traced,
    values,
)
from tests.postings.factories import create_employer, create_posting, iso, job_body, publish

__all__ = [  # fixtures
    "owner",
    "postings_app_traced",
    "postings_spans",
    "postings_traced",
    "relay_settings",
    "stream_name",
]


async def expiring_posting(client: httpx.AsyncClient, owner: dict[str, str], clock: ManualClock) -> str:
    employer = await create_employer(client, owner)
    body = job_body(employer["id"], valid_until=iso(clock.now() + timedelta(days=1)))
    posting, etag = await create_posting(client, owner, body)
    await publish(client, owner, posting["id"], etag)
    clock.advance(timedelta(days=2))
    return str(posting["id"])


async def test_a_sweeper_round_that_does_work_makes_one_span_and_an_idle_round_none(
    postings_app_traced: FastAPI,
    postings_traced: httpx.AsyncClient,
    postings_spans: InMemorySpanExporter,
    owner: dict[str, str],
    clock: ManualClock,
) -> None:
    posting = await expiring_posting(postings_traced, owner, clock)
    postings_spans.clear()

    closed = await postings_app_traced.state.expiry.tick()
    worked = postings_spans.get_finished_spans()
    idle = await postings_app_traced.state.expiry.tick()

    assert (closed, idle) == (1, 0)
    span = one(worked, "expiry sweep")
    assert span.kind == SpanKind.INTERNAL
    assert span.parent is None  # a trace of its own
    assert dict(span.attributes or {}) == {"lingong.postings.closed": 1}
    assert posting not in values(worked)
    assert postings_spans.get_finished_spans() == worked  # the idle round added none


async def test_a_failing_round_keeps_its_span_with_the_error_class(
    postings_app_traced: FastAPI, postings_spans: InMemorySpanExporter
) -> None:
    sweeper = postings_app_traced.state.deadlines

    async def broken() -> dict[str, int]:
        raise LookupError("a value that must not leave the process")

    sweeper.run_once = broken
    try:
        await sweeper.tick()
    except LookupError:
        pass

    span = one(postings_spans.get_finished_spans(), "deadline sweep")
    assert span.status.status_code == StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "LookupError"
    assert "must not leave" not in values([span])
    assert all("must not leave" not in str(e.attributes) for e in span.events)


async def test_the_relays_publish_span_links_to_the_trace_of_the_request_that_wrote_the_event(
    postings_app_traced: FastAPI,
    postings_traced: httpx.AsyncClient,
    postings_spans: InMemorySpanExporter,
    owner: dict[str, str],
    relay_settings: RelaySettings,
) -> None:
    employer = await create_employer(postings_traced, owner)
    draft, etag = await create_posting(postings_traced, owner, job_body(employer["id"]))
    assert (await publish(postings_traced, owner, draft["id"], etag)).status_code == 200
    written = one(postings_spans.get_finished_spans(), "POST /v1/postings/{posting_id}/publish")
    state = postings_app_traced.state
    relay = FeedRelay(state.sessionmaker, relay_settings, tracer=state.tracing.tracer)
    connection = await nats.connect(NATS_URL)
    try:
        js = connection.jetstream()
        await ensure_stream(js, relay_settings)
        postings_spans.clear()
        relayed = await relay.relay_batch(js)
        after_batch = postings_spans.get_finished_spans()
        assert await relay.relay_batch(js) == 0
    finally:
        await connection.close()

    span = one(after_batch, "feed publish")
    assert span.kind == SpanKind.PRODUCER
    assert span.parent is None
    attributes = dict(span.attributes or {})
    assert attributes["messaging.system"] == "nats"
    assert attributes["lingong.feed.published"] == relayed >= 2  # the employer and the posting
    assert written.context is not None
    assert (written.context.trace_id, written.context.span_id) in {
        (link.context.trace_id, link.context.span_id) for link in span.links
    }
    assert draft["id"] not in values(after_batch)
    assert postings_spans.get_finished_spans() == after_batch  # the empty read made no span


async def test_a_log_line_inside_a_span_carries_its_trace_id_and_one_outside_none(
    postings_app_traced: FastAPI,
    postings_traced: httpx.AsyncClient,
    postings_spans: InMemorySpanExporter,
    owner: dict[str, str],
    clock: ManualClock,
) -> None:
    await expiring_posting(postings_traced, owner, clock)
    stream = io.StringIO()
    configure_logging("INFO", json_logs=True, stream=stream)
    postings_spans.clear()

    await postings_app_traced.state.expiry.tick()
    await postings_app_traced.state.expiry.tick()  # idle: its span is dropped, its lines have no trace id

    span = one(postings_spans.get_finished_spans(), "expiry sweep")
    assert span.context is not None
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    closed = [line for line in lines if line["message"] == "expired postings closed"]
    assert [line.get("trace_id") for line in closed] == [f"{span.context.trace_id:032x}"]
    assert all("trace_id" not in line for line in lines if line not in closed)
