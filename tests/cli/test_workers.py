"""`lingong serve --workers 2` as real processes on the databases the environment names: postings in one
process, two matching workers bound to one port (SO_REUSEPORT), both answering; SIGTERM stops them all."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow  # each test starts the layout's processes: tens of seconds

Token = Callable[..., dict[str, str]]
BANNER = re.compile(r"postings http://\S+ \(pid (\d+)\), matching http://\S+ \(2 workers, pids (\d+), (\d+);")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(fields[9])
    return inodes


def _sockets_of(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()


@pytest.fixture
async def started(
    make_database: Callable[[str], Awaitable[str]], coder_cache: Path, tmp_path: Path
) -> AsyncIterator[tuple[subprocess.Popen[str], int, int]]:
    urls = {s: await make_database(s) for s in ("postings", "matching")}
    env = os.environ | {
        "POSTINGS_DATABASE_URL": urls["postings"],
        "MATCHING_DATABASE_URL": urls["matching"],
        "MATCHING_CODER_CACHE": str(coder_cache),
        "LINGONG_SHARED_DATA": str(tmp_path / "none"),
    }
    env.pop("MATCHING_POSTINGS_URL", None)
    pp, mp = _free_port(), _free_port()
    args = [sys.executable, "-m", "services.cli", "serve", "--workers", "2", "--data-dir", str(tmp_path)]
    args += ["--postings-port", str(pp), "--matching-port", str(mp), "--log-format", "json"]
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        yield process, pp, mp
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def _banner(process: subprocess.Popen[str]) -> tuple[int, int, int]:
    assert process.stdout is not None
    for line in process.stdout:
        found = BANNER.search(line)
        if found:
            postings, first, second = (int(g) for g in found.groups())
            return postings, first, second
    raise AssertionError("no banner")


def _until_answers(url: str, headers: dict[str, str] | None = None, seconds: float = 120) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            response = httpx.get(url, headers=headers, timeout=5)
            if response.status_code == 200:
                return response
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} never answered")
        time.sleep(0.2)


def test_two_matching_workers_share_one_port_answer_and_stop_on_sigterm(
    started: tuple[subprocess.Popen[str], int, int], token: Token
) -> None:
    process, pp, mp = started
    postings_pid, first, second = _banner(process)
    staff = token("staff", "st", station="st-001")

    _until_answers(f"http://127.0.0.1:{pp}/healthz")
    _until_answers(f"http://127.0.0.1:{mp}/healthz")
    statuses = [_until_answers(f"http://127.0.0.1:{mp}/v1/matching/status", staff) for _ in range(10)]
    listening = _listening_inodes(mp)
    bound = [bool(_sockets_of(pid) & listening) for pid in (first, second)]
    process.send_signal(signal.SIGTERM)
    code = process.wait(60)

    assert all(s.status_code == 200 for s in statuses)
    assert len(listening) == 2
    assert bound == [True, True]
    assert code == 0
    assert not any(_alive(pid) for pid in (postings_pid, first, second))


def test_the_first_worker_consumes_the_feed_and_the_others_follow_the_tables(
    started: tuple[subprocess.Popen[str], int, int], token: Token
) -> None:
    process, pp, mp = started
    _banner(process)
    staff = token("staff", "st", station="st-001")
    _until_answers(f"http://127.0.0.1:{pp}/healthz")

    consuming = set()
    for _ in range(40):  # a new connection each time: any worker may take it
        replica = _until_answers(f"http://127.0.0.1:{mp}/v1/replica/status", staff).json()
        consuming.add(replica["consumer"]["state"] != "disabled")
    process.send_signal(signal.SIGTERM)

    assert process.wait(60) == 0
    assert consuming == {True, False}


def test_the_workers_map_one_index_generation_the_first_one_publishes(
    started: tuple[subprocess.Popen[str], int, int], token: Token, tmp_path: Path
) -> None:
    process, _, mp = started
    _, first, second = _banner(process)
    staff = token("staff", "st", station="st-001")

    seen: set[tuple[str, str]] = set()
    deadline = time.monotonic() + 120
    while len(seen) < 2 and time.monotonic() < deadline:  # a new connection each time: either worker
        shared = _until_answers(f"http://127.0.0.1:{mp}/v1/matching/status", staff).json()["shared_index"]
        if shared["generation"] is not None:
            seen.add((shared["role"], shared["generation"]))
        time.sleep(0.1)
    mapped = {pid: _maps_of(pid, tmp_path / "index") for pid in (first, second)}
    process.send_signal(signal.SIGTERM)

    assert process.wait(60) == 0
    assert seen == {("publisher", "gen-00000001"), ("reader", "gen-00000001")}
    assert mapped[first] == mapped[second] == {"gen-00000001"}


def _maps_of(pid: int, directory: Path) -> set[str]:
    """The generations whose files a process has mapped (from /proc/<pid>/maps)."""
    found = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        path = line.split(maxsplit=5)[-1]
        if path.startswith(str(directory)):
            found.add(Path(path).relative_to(directory).parts[0])
    return found
