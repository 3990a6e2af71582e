"""The load harness's wait for `lingong serve`: it ends when the demo is ready, and at once, not after its
15-minute deadline, when the server stops before that."""

import subprocess
import sys
import time

import pytest

from benchmarks.load import Server, _until_ready


def _server(*lines: str) -> Server:
    script = "".join(f"print({line!r}, flush=True)\n" for line in lines)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    return Server(process, "http://127.0.0.1:1", "http://127.0.0.1:2", [])


def _finish(server: Server) -> None:
    server.process.wait(10)
    assert server.reader is not None
    assert server.process.stdout is not None
    server.reader.join(10)
    server.process.stdout.close()


def test_the_wait_ends_when_the_demo_is_ready() -> None:
    server = _server("lingong is running", "demo ready: the matching engine holds 40 open postings")

    _until_ready(server)
    _finish(server)

    assert server.lines[-1].startswith("demo ready")


def test_a_server_that_stops_before_the_demo_is_ready_fails_the_wait_at_once() -> None:
    server = _server("lingong is running")
    started = time.monotonic()

    with pytest.raises(RuntimeError, match="stopped before the demo was ready: lingong is running"):
        _until_ready(server)

    elapsed = time.monotonic() - started
    _finish(server)

    assert elapsed < 30
