"""OpenTelemetry traces, off by default: nothing is imported, installed or started unless settings ask.

On (`*_TRACING__ENABLED=true`, or `*_TRACING__OTLP_ENDPOINT` set), each app gets a tracer provider
of its own (never the process-global one: one-process `serve` runs both services side by side), built
by `kit/tracing_sdk.py`:

- a server span per request (the FastAPI instrumentation; W3C `traceparent` read from the request),
  named by method and route template; `/healthz`, `/readyz` and `/metrics` make none;
- a client span per call of the service's httpx clients to the other service, which sends
  `traceparent` with the request (`instrument_client`);
- a span per unit of work of a background task (a sweeper's round that did something, a batch the
  relay published to JetStream): `background_span`, a root span that is dropped, never exported, when
  the round turns out idle (`Work.did` not called), so idle ticks make no spans;
- feed events carry the trace context of the request that wrote them (`current_context`, stored with
  the outbox row), and the replica consumer makes their apply spans children of it
  (`tracing_sdk.feed_apply`).

Spans leave the process over OTLP/HTTP (`opentelemetry-exporter-otlp-proto-http`; the standard
`OTEL_EXPORTER_OTLP_*` variables set headers, time-outs and, when the setting does not, the endpoint).
Personal data: an exported span keeps only the attributes on `ALLOWED_ATTRIBUTES` (and the services'
own `lingong.*`), so paths, query strings, URLs, client addresses and user agents that instrumentation
records never leave the process (docs/privacy.md's rule for logs, applied to spans; docs/tracing.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:  # imported for real only when tracing is on
    import httpx
    from opentelemetry.trace import Tracer

    from services.kit.tracing_sdk import Tracing

# Attributes an exported span may carry (OpenTelemetry's HTTP and messaging conventions, old and new
# names): methods, route templates, statuses, schemes, service hosts and ports, error classes.
ALLOWED_ATTRIBUTES = frozenset(
    {
        "http.request.method",
        "http.method",
        "http.route",
        "http.response.status_code",
        "http.status_code",
        "url.scheme",
        "http.scheme",
        "server.address",
        "server.port",
        "net.host.name",
        "net.host.port",
        "net.peer.name",
        "net.peer.port",
        "network.protocol.version",
        "http.flavor",
        "error.type",
        "messaging.system",
        "messaging.operation.type",
        "messaging.batch.message_count",
    }
)
OWN_PREFIX = "lingong."


def allowed(key: str) -> bool:
    """Whether a span attribute may be exported."""
    return key in ALLOWED_ATTRIBUTES or key.startswith(OWN_PREFIX)


class TracingSettings(BaseModel):
    """`*_TRACING__…`: OpenTelemetry traces exported over OTLP/HTTP; off by default."""

    enabled: bool = False
    # Where spans go, e.g. http://otel-collector:4318/v1/traces; setting it turns tracing on. Unset while
    # enabled: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT, else localhost:4318.
    otlp_endpoint: str | None = Field(default=None, pattern=r"^https?://", max_length=500)
    # "none" makes spans without sending them anywhere (an exporter can be added in code: the tests do).
    exporter: Literal["otlp", "none"] = "otlp"
    sample_ratio: float = Field(default=1.0, ge=0, le=1)  # of new traces; a caller's decision is kept
    service_name: str | None = Field(default=None, max_length=100)  # else OTEL_SERVICE_NAME, lingong-<svc>

    @property
    def on(self) -> bool:
        return self.enabled or bool(self.otlp_endpoint)


def setup_tracing(settings: TracingSettings, service: str) -> Tracing | None:
    """The app's tracing, or None (and nothing imported or started) when the settings leave it off."""
    if not settings.on:
        return None
    from services.kit.tracing_sdk import build_tracing

    return build_tracing(settings, service)


def instrument_client(tracing: Tracing | None, client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Trace `client`'s calls (and send `traceparent`) when tracing is on; the client either way."""
    if tracing is not None:
        tracing.instrument_client(client)
    return client


def current_context() -> tuple[str | None, str | None]:
    """The W3C `traceparent` and `tracestate` of the span running now; (None, None) when there is none
    (always so with tracing off: nothing starts a span)."""
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    parent = f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"
    return parent, (context.trace_state.to_header() or None)


def tracer_of(app: Any) -> Tracer | None:
    """The app's tracer (`app.state.tracing`), None when tracing is off."""
    tracing = getattr(app.state, "tracing", None)
    return tracing.tracer if tracing is not None else None


class Work:
    """A background round's handle on its span. `did(...)` says the round did something (and records its
    counts as `lingong.<name>` attributes); a round that never calls it makes no span. `link(...)` links
    the span to the trace of an event the round handles. With tracing off every call does nothing."""

    worked = False

    def did(self, **counts: int | str) -> None:
        self.worked = True

    def link(self, traceparent: str | None, tracestate: str | None = None) -> None:
        """Link to the trace context an event carries (its `traceparent`); nothing when it has none."""


@contextmanager
def background_span(
    tracer: Tracer | None, name: str, *, attributes: Mapping[str, str] | None = None
) -> Iterator[Work]:
    """A root span named `name` around one round of a background task, current while the round runs (so
    its log lines carry its trace id); kept only if the round calls `did`. Nothing when `tracer` is None.
    With `messaging.*` attributes it is a producer span (the relay's publishing)."""
    if tracer is None:
        yield Work()
        return
    from services.kit.tracing_sdk import work_span

    with work_span(tracer, name, attributes or {}) as work:
        yield work


def counts_of(result: Mapping[str, int]) -> dict[str, int]:
    """The non-zero counts of a round's report (an empty dict: the round was idle)."""
    return {k: v for k, v in result.items() if isinstance(v, int) and v}
