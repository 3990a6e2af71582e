"""Prometheus metrics: a registry per app, request counts and latency by route template."""

import time

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class StatusWatch:
    """Wraps an ASGI `send` to remember the status the response started with."""

    def __init__(self, send: Send, default: int = 0) -> None:
        self.status = default
        self._send = send

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        await self._send(message)


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["service", "method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.service = service


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        response = StatusWatch(send, default=500)
        try:
            await self.app(scope, receive, response.send)
        finally:
            status = response.status
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope.get("method", "")
            m = self.metrics
            m.requests.labels(m.service, method, route, str(status)).inc()
            m.latency.labels(m.service, method, route).observe(time.perf_counter() - started)


metrics_router = APIRouter(tags=["operations"])


@metrics_router.get("/metrics", include_in_schema=False)
async def metrics_endpoint(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
