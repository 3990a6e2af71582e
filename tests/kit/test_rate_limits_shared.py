"""Two real server processes counting against one Redis share every budget."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.kit.redis_server import REDIS_URL, redis_prefix

__all__ = ["redis_prefix"]

Token = Callable[..., dict[str, str]]
RULES = [{"name": "writes", "limit": "4/minute", "scope": "principal", "methods": ["POST"]}]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _server(database_url: str, prefix: str) -> Iterator[str]:
    port = _free_port()
    env = os.environ | {
        "POSTINGS_DATABASE_URL": database_url,
        "POSTINGS_RATE_LIMIT__STORAGE_URL": REDIS_URL,
        "POSTINGS_RATE_LIMIT__KEY_PREFIX": prefix,
        "POSTINGS_RATE_LIMIT__RULES": json.dumps(RULES),
        "POSTINGS_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "services.postings.main:create_app"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start")


@pytest.mark.slow
async def test_two_server_processes_on_one_redis_share_a_principals_budget(
    make_database: Callable[[str], Awaitable[str]], redis_prefix: str, token: Token
) -> None:
    me = token("employer", "e-1")
    first_db, second_db = await make_database("postings"), await make_database("postings")
    with _server(first_db, redis_prefix) as first, _server(second_db, redis_prefix) as second:
        async with httpx.AsyncClient(timeout=30) as client:
            spent = [
                (await client.post(f"{base}/v1/postings", json={}, headers=me)).status_code
                for base in (first, second, first, second)
            ]
            after = [
                (await client.post(f"{base}/v1/postings", json={}, headers=me)).status_code
                for base in (first, second)
            ]

    assert 429 not in spent
    assert after == [429, 429]
