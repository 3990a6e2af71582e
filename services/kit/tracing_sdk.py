"""The OpenTelemetry SDK side of `kit/tracing.py`, imported only when tracing is on."""

import asyncio
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import Link, Span, SpanKind, Status, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from services.kit.tracing import OWN_PREFIX, TracingSettings, Work, allowed

UNTRACED_URLS = "/healthz,/readyz,/metrics"
MAX_LINKS = 128  # the SDK's default limit of links per span
IDLE = f"{OWN_PREFIX}idle"  # a background round that did nothing: its span is dropped, never exported
_PROPAGATOR = TraceContextTextMapPropagator()


@dataclass(slots=True)
class Tracing:
    """One app's tracer provider and what it instruments (`app.state.tracing`; None when off)."""

    provider: TracerProvider
    tracer: Tracer

    def add_exporter(self, exporter: SpanExporter, *, batch: bool = False) -> None:
        """Send finished spans to `exporter`, with the attributes not on the list removed first."""
        inner = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
        self.provider.add_span_processor(OnlyListedAttributes(inner))

    def instrument_app(self, app: FastAPI) -> None:
        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=self.provider,
            excluded_urls=UNTRACED_URLS,
            exclude_spans=["receive", "send"],
        )

    def instrument_client(self, client: httpx.AsyncClient) -> None:
        HTTPXClientInstrumentor.instrument_client(client, tracer_provider=self.provider)

    def shutdown(self) -> None:
        self.provider.shutdown()


def build_tracing(settings: TracingSettings, service: str) -> Tracing:
    attributes: dict[str, str] = {}
    if settings.service_name or not os.environ.get("OTEL_SERVICE_NAME"):
        attributes["service.name"] = settings.service_name or f"lingong-{service}"
    provider = TracerProvider(
        resource=Resource.create(attributes), sampler=ParentBased(TraceIdRatioBased(settings.sample_ratio))
    )
    tracing = Tracing(provider, provider.get_tracer(f"lingong.{service}"))
    if settings.exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        tracing.add_exporter(OTLPSpanExporter(endpoint=settings.otlp_endpoint), batch=True)
    return tracing


def feed_apply(
    tracer: Tracer,
    events: Sequence[Mapping[str, Any]],
    started_ns: int,
    transport: str,
    counts: Mapping[str, int],
) -> None:
    """Spans for a page of feed events just applied (from `started_ns` to now): one `feed apply` span
    linked to every event's trace, and for each event that carries a trace context a `feed apply
    <type>` span whose parent is the request that wrote the event, so the two are one trace."""
    ended_ns = time.time_ns()
    parents: list[tuple[Mapping[str, Any], Context]] = []
    for event in events:
        carrier = _carrier(event)
        if carrier:
            parent = _PROPAGATOR.extract(carrier, context=Context())
            if trace.get_current_span(parent).get_span_context().is_valid:
                parents.append((event, parent))
    common: dict[str, Any] = {f"{OWN_PREFIX}feed.transport": transport, "messaging.operation.type": "process"}
    if transport == "jetstream":
        common["messaging.system"] = "nats"
    links = [Link(trace.get_current_span(p).get_span_context()) for _, p in parents[:MAX_LINKS]]
    own = {f"{OWN_PREFIX}feed.{k}": v for k, v in counts.items()}
    page = tracer.start_span(
        "feed apply",
        context=otel_context.Context(),
        kind=SpanKind.CONSUMER,
        links=links,
        start_time=started_ns,
        attributes={**common, "messaging.batch.message_count": len(events), **own},
    )
    page.end(end_time=ended_ns)
    for event, parent in parents:
        kind = _event_type(event)
        span = tracer.start_span(
            f"feed apply {kind}",
            context=parent,
            kind=SpanKind.CONSUMER,
            links=[Link(page.get_span_context())],
            start_time=started_ns,
            attributes={**common, f"{OWN_PREFIX}feed.seq": int(event["seq"]), f"{OWN_PREFIX}feed.type": kind},
        )
        span.end(end_time=ended_ns)


class SpanWork(Work):
    """`Work` with a span behind it."""

    def __init__(self, span: Span) -> None:
        self.span = span
        self.links = 0

    def did(self, **counts: int | str) -> None:
        self.worked = True
        for key, value in counts.items():
            self.span.set_attribute(f"{OWN_PREFIX}{key}", value)

    def link(self, traceparent: str | None, tracestate: str | None = None) -> None:
        if self.links >= MAX_LINKS:
            return
        carrier = _carrier({"traceparent": traceparent, "tracestate": tracestate})
        if carrier:
            linked = trace.get_current_span(
                _PROPAGATOR.extract(carrier, context=Context())
            ).get_span_context()
            if linked.is_valid:
                self.span.add_link(linked)
                self.links += 1


@contextmanager
def work_span(tracer: Tracer, name: str, attributes: Mapping[str, str]) -> Iterator[Work]:
    """`kit.tracing.background_span` with tracing on: a new trace per round (never the child of whatever
    context started the task), marked idle, and so dropped, unless the round said it did something. A
    round that fails keeps its span, with `error.type`; one cancelled while idle (the task stopping) not."""
    kind = SpanKind.PRODUCER if "messaging.system" in attributes else SpanKind.INTERNAL
    span = tracer.start_span(name, context=Context(), kind=kind, attributes=dict(attributes))
    work = SpanWork(span)
    with trace.use_span(span, end_on_exit=True, record_exception=False, set_status_on_exception=False):
        try:
            yield work
        except asyncio.CancelledError:
            if not work.worked:
                span.set_attribute(IDLE, True)
            raise
        except Exception as exc:
            span.set_attribute("error.type", type(exc).__name__)
            span.set_status(Status(trace.StatusCode.ERROR))
            raise
        if not work.worked:
            span.set_attribute(IDLE, True)


def _carrier(event: Mapping[str, Any]) -> dict[str, str]:
    carrier = {}
    for key in ("traceparent", "tracestate"):
        value = event.get(key)
        if isinstance(value, str) and 0 < len(value) <= 512:
            carrier[key] = value
    return carrier if "traceparent" in carrier else {}


def _event_type(event: Mapping[str, Any]) -> str:
    value = event.get("type")
    return value if isinstance(value, str) and len(value) <= 60 else "unknown"


def redacted(span: ReadableSpan) -> ReadableSpan:
    """A copy of `span` with only listed attributes, on the span and on its events (an exception event
    keeps its type, never its message or stack trace)."""
    events = [
        Event(e.name, {k: v for k, v in (e.attributes or {}).items() if k == "exception.type"}, e.timestamp)
        for e in span.events
    ]
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes={k: v for k, v in (span.attributes or {}).items() if allowed(k)},
        events=events,
        links=span.links,
        kind=span.kind,
        status=Status(span.status.status_code),  # its description may quote an exception's message
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class OnlyListedAttributes(SpanProcessor):
    """A span processor in front of another: what reaches the exporter carries listed attributes only."""

    def __init__(self, inner: SpanProcessor) -> None:
        self.inner = inner

    def on_start(self, span: Any, parent_context: Context | None = None) -> None:
        self.inner.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        if (span.attributes or {}).get(IDLE):
            return  # a background task's idle round
        self.inner.on_end(redacted(span))

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)
