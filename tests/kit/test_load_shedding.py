"""Back-pressure through real HTTP: past `max_in_flight` (and the bounded queue before it) a request gets
503 `overloaded` with Retry-After at once; health, metrics and the feed's long poll are never shed; the
service recovers as soon as the slow requests finish."""

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from services.kit.settings import LoadSheddingSettings
from tests.kit.conftest import ServiceApp

Token = Callable[..., dict[str, str]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _slow_route(app: FastAPI) -> asyncio.Event:
    """The test hook: GET /v1/test-slow holds its slot until the returned event is set."""
    release = asyncio.Event()

    async def slow() -> dict[str, str]:
        await release.wait()
        return {"status": "done"}

    app.add_api_route("/v1/test-slow", slow, methods=["GET"])
    return release


@asynccontextmanager
async def over_http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The running app under uvicorn on a free port, and a client of it with room for many connections."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as c:
            yield c
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def _until_in_flight(app: FastAPI, n: int) -> None:
    for _ in range(500):
        if app.state.load_shedder.in_flight == n:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never {n} in flight")


@pytest.mark.parametrize("service", ["postings", "matching"])
async def test_one_request_past_capacity_gets_503_with_retry_after_and_the_service_recovers(
    service_app: ServiceApp, service: str
) -> None:
    limits = LoadSheddingSettings(max_in_flight=4, max_queue=0, retry_after_seconds=2)
    async with service_app(service, load_shedding=limits) as app, over_http(app) as client:
        release = _slow_route(app)
        held = [asyncio.create_task(client.get("/v1/test-slow")) for _ in range(4)]
        await _until_in_flight(app, 4)

        refused = await client.get("/v1/test-slow")
        health = await client.get("/healthz")
        release.set()
        served = await asyncio.gather(*held)
        after = await client.get("/v1/test-slow")

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "2"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "overloaded"
    assert health.status_code == 200
    assert [r.status_code for r in served] == [200] * 4
    assert after.status_code == 200


async def test_a_request_waits_for_a_slot_no_longer_than_the_queue_wait(service_app: ServiceApp) -> None:
    limits = LoadSheddingSettings(max_in_flight=1, max_queue=1, max_queue_wait_seconds=0.3)
    async with service_app("postings", load_shedding=limits) as app, over_http(app) as client:
        release = _slow_route(app)
        holder = asyncio.create_task(client.get("/v1/test-slow"))
        await _until_in_flight(app, 1)

        started = time.monotonic()
        waiter = asyncio.create_task(client.get("/v1/test-slow"))
        while app.state.load_shedder.waiting == 0:
            await asyncio.sleep(0.005)
        queue_full = await client.get("/v1/test-slow")
        timed_out = await waiter
        waited = time.monotonic() - started
        release.set()
        await holder

    assert queue_full.status_code == 503
    assert timed_out.status_code == 503
    assert 0.25 <= waited < 5
    assert app.state.load_shedder.shed == 2


async def test_a_queued_request_is_served_when_a_slot_frees_in_time(service_app: ServiceApp) -> None:
    limits = LoadSheddingSettings(max_in_flight=1, max_queue=5, max_queue_wait_seconds=10)
    async with service_app("postings", load_shedding=limits) as app, over_http(app) as client:
        release = _slow_route(app)
        holder = asyncio.create_task(client.get("/v1/test-slow"))
        await _until_in_flight(app, 1)
        waiter = asyncio.create_task(client.get("/v1/test-slow"))
        while app.state.load_shedder.waiting < 1:
            await asyncio.sleep(0.005)
        release.set()
        results = await asyncio.gather(holder, waiter)

    assert [r.status_code for r in results] == [200, 200]


async def test_the_feed_long_poll_and_metrics_are_never_shed(service_app: ServiceApp, token: Token) -> None:
    limits = LoadSheddingSettings(max_in_flight=1, max_queue=0)
    async with service_app("postings", load_shedding=limits) as app, over_http(app) as client:
        release = _slow_route(app)
        holder = asyncio.create_task(client.get("/v1/test-slow"))
        await _until_in_flight(app, 1)

        feed = await client.get("/v1/feed", params={"after": 0}, headers=token("service", "matching"))
        metrics = await client.get("/metrics")
        shed = await client.get("/v1/postings")
        release.set()
        await holder

    assert feed.status_code == 200
    assert metrics.status_code == 200
    assert shed.status_code == 503


def _blocking_route(app: FastAPI) -> None:
    """The test hook: GET /v1/test-block holds the event loop itself for 0.6 s (as CPU-bound work does)."""

    async def block() -> dict[str, str]:
        time.sleep(0.6)  # noqa: ASYNC251 - blocking the loop is the point
        return {"status": "done"}

    app.add_api_route("/v1/test-block", block, methods=["GET"])


async def test_after_the_event_loop_ran_late_new_requests_are_shed_for_a_second(
    service_app: ServiceApp,
) -> None:
    limits = LoadSheddingSettings(max_in_flight=50, max_loop_lag_seconds=0.2)
    async with service_app("postings", load_shedding=limits) as app, over_http(app) as client:
        _blocking_route(app)
        _slow_route(app).set()
        first = await client.get("/v1/test-slow")  # starts the lag timer
        blocked = await client.get("/v1/test-block")
        shed = await client.get("/v1/test-slow")
        health = await client.get("/healthz")
        await asyncio.sleep(1.5)
        after = await client.get("/v1/test-slow")

    assert [first.status_code, blocked.status_code] == [200, 200]
    assert shed.status_code == 503
    assert shed.json()["code"] == "overloaded"
    assert "retry-after" in shed.headers
    assert health.status_code == 200
    assert after.status_code == 200
    assert app.state.load_shedder.lag < 0.2


@pytest.mark.parametrize(("service", "path"), [("postings", "/v1/postings"), ("matching", "/v1/seekers")])
async def test_openapi_lists_overloaded_among_a_routes_503s(
    service_app: ServiceApp, service: str, path: str
) -> None:
    async with service_app(service) as app, over_http(app) as client:
        spec = (await client.get("/openapi.json")).json()

    assert "overloaded" in spec["paths"][path]["post"]["responses"]["503"]["description"]
