"""A feed long poll on a real server (plain uvicorn, as deployed): uvicorn waits for every running request
before it stops, so a poll whose reader has gone must end instead of waiting out its `wait`."""

import asyncio
import socket
import time
from collections.abc import Callable

import httpx
import uvicorn

from services.postings.config import PostingsSettings
from services.postings.main import create_app

Token = Callable[..., dict[str, str]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _until(predicate: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "never happened"
        await asyncio.sleep(0.05)


async def test_a_long_poll_whose_reader_has_gone_does_not_hold_the_server_stop(
    postings_settings: PostingsSettings, token: Token
) -> None:
    port = _free_port()
    app = create_app(postings_settings, background=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    serving = asyncio.create_task(server.serve())
    try:
        await _until(lambda: server.started)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            params = {"after": 0, "wait": 30}
            poll = asyncio.create_task(client.get("/v1/feed", params=params, headers=token("service", "m")))
            await _until(lambda: len(server.server_state.tasks) == 1)  # the poll is held open
            poll.cancel()  # the reader stops: its connection closes
        await asyncio.gather(poll, return_exceptions=True)
        stopping = time.monotonic()
        server.should_exit = True
        await asyncio.wait_for(serving, 60)
        stopped = time.monotonic() - stopping
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 60)

    assert stopped < 5
