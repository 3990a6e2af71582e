"""The open-loop generator against a real server on a socket: latency counted from the scheduled send time
(a server that queues cannot hide it), drops at the in-flight cap counted as errors, the mix's requests
sent as they were made (method, query, JSON body, headers), and a refused connection a transport failure."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, Request

from benchmarks.loadgen import Kind, LoadClient, clients, close_clients, run_step

SERVICE_SECONDS = 0.1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_at_a_time_app() -> FastAPI:
    """Every request takes SERVICE_SECONDS and only one is served at a time: a queue forms past 10/s."""
    app = FastAPI()
    gate = asyncio.Lock()

    @app.get("/slow")
    async def slow() -> dict[str, str]:
        async with gate:
            await asyncio.sleep(SERVICE_SECONDS)
        return {"status": "ok"}

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, object]:
        return {
            "query": dict(request.query_params),
            "body": json.loads(await request.body()),
            "auth": request.headers.get("authorization"),
            "type": request.headers.get("content-type"),
        }

    return app


@asynccontextmanager
async def serving() -> AsyncIterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(_one_at_a_time_app(), port=port, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def test_a_queueing_server_shows_in_latency_measured_from_the_scheduled_time() -> None:
    async with serving() as base:
        client = clients(100, 10.0)
        slow = client(base)
        kinds = [Kind("slow", 1.0, lambda: lambda: slow.get("/slow"))]
        # 20 requests due within one second, served one at a time in 0.1 s each: the last waits ~1 s.
        step = await run_step(kinds, 20, 1.0, arrivals="constant")
        await close_clients(client)

    report = step.report()
    assert report["all"]["n"] == 20
    assert report["all"]["errors"] == 0
    # the k-th is due at 0.05 k s and answered at 0.1 (k + 1) s at the earliest: the last waits over 1 s
    assert report["all"]["max_ms"] >= 1000
    assert report["all"]["p50_ms"] >= 500


async def test_requests_due_past_the_in_flight_cap_are_dropped_and_counted_as_errors() -> None:
    async with serving() as base:
        client = clients(2, 10.0)
        slow = client(base)
        kinds = [Kind("slow", 1.0, lambda: lambda: slow.get("/slow"))]
        step = await run_step(kinds, 40, 0.5, arrivals="constant", max_in_flight=2)
        await close_clients(client)

    report = step.report()
    assert report["all"]["dropped_at_cap"] > 0
    assert report["all"]["errors"] == report["all"]["dropped_at_cap"]
    assert report["all"]["statuses"]["200"] + report["all"]["dropped_at_cap"] == report["all"]["n"]


async def test_a_request_goes_out_with_its_query_json_body_and_headers() -> None:
    async with serving() as base:
        client = LoadClient(base, 4, 10.0)
        answer = await client.post(
            "/echo", params={"limit": 20}, json={"名": "张三"}, headers={"Authorization": "Bearer t"}
        )
        await client.aclose()

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {
        "query": {"limit": "20"},
        "body": {"名": "张三"},
        "auth": "Bearer t",
        "type": "application/json",
    }


async def test_a_refused_connection_is_a_transport_failure_not_a_crash() -> None:
    client = clients(4, 2.0)
    nobody = client(f"http://127.0.0.1:{_free_port()}")
    step = await run_step([Kind("gone", 1.0, lambda: lambda: nobody.get("/"))], 20, 0.2, arrivals="constant")
    await close_clients(client)

    report = step.report()
    assert report["all"]["n"] == 4
    assert report["all"]["transport_failures"] == 4
    assert report["all"]["errors"] == 4
