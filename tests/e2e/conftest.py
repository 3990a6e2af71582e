"""End to end in real Chromium: both services started with uvicorn on free ports, on this run's own
migrated databases, driven by Playwright for Python through Debian's chromium.

TEST_BACKEND picks the databases: `sqlite` (a migrated SQLite file per service, the embedded default)
or `postgres` (a database per service created, migrated and dropped by this run on TEST_DATABASE_URL's
server). Run by `make test-e2e` (which `make test` calls once): every test on SQLite, then the counter
walkthrough and the dispatch on PostgreSQL; a normal pytest run leaves tests/e2e out (tests/conftest.py),
so the suite is not repeated on each backend."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from services.kit.auth import mint_token
from services.kit.settings import AuthSettings
from tests import databases
from tests.postings.factories import employer_body, gig_body, job_body

CHROMIUM = os.environ.get("LINGONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PUBLIC_BASE = "https://jobs.example.org/p/"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Services:
    postings: str
    matching: str


E2E_LABEL = "e2e"


def _database_urls(tmp: Path) -> dict[str, str]:
    """A fresh migrated database per service: PostgreSQL ones, or SQLite files (the embedded default)."""
    if databases.backend() == "postgres":
        return databases.create_pg_databases(databases.pg_url(), E2E_LABEL)
    (tmp / "templates").mkdir()
    templates = databases.prepare_sqlite_templates(tmp / "templates")
    return {s: databases.sqlite_copy(templates[s], tmp, s) for s in databases.SERVICES}


def _start(module: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", f"{module}:create_app", "--factory", "--host", "127.0.0.1"]
    with log.open("wb") as out:
        return subprocess.Popen([*command, "--port", str(port)], env=env, cwd=ROOT, stdout=out, stderr=out)


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not start in {seconds} s: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (.ci/run installs it)")
    tmp = tmp_path_factory.mktemp("e2e")
    urls = _database_urls(tmp)
    pp, mp = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTINGS_", "MATCHING_"))}
    env |= {
        "POSTINGS_DATABASE_URL": urls["postings"],
        "MATCHING_DATABASE_URL": urls["matching"],
        "MATCHING_POSTINGS_URL": f"http://127.0.0.1:{pp}",
        "POSTINGS_MATCHING__URL": f"http://127.0.0.1:{mp}",
        "MATCHING_REPLICA__POLL_WAIT_SECONDS": "2",
        "MATCHING_CONSOLE__PUBLIC_BASE_URL": PUBLIC_BASE,
    }
    procs = [
        _start("services.postings.main", pp, env, tmp / "postings.log"),
        _start("services.matching.main", mp, env, tmp / "matching.log"),
    ]
    try:
        _wait(f"http://127.0.0.1:{pp}", procs[0], tmp / "postings.log")
        _wait(f"http://127.0.0.1:{mp}", procs[1], tmp / "matching.log")
        yield Services(f"http://127.0.0.1:{pp}", f"http://127.0.0.1:{mp}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if databases.backend() == "postgres":
            databases.drop_pg_databases(databases.pg_url(), E2E_LABEL)


def bearer(role: str, sub: str, **claims: Any) -> dict[str, str]:
    station = claims.pop("station", None)
    token = mint_token(AuthSettings(), role, sub, station_id=station, extra=claims or None)
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Board:
    job_id: str
    gig_id: str
    shift_id: str


@pytest.fixture(scope="session")
def board(services: Services) -> Board:
    """A published job and a published gig (one shift in two days) in 济南 历下区."""
    owner = bearer("employer", "e2e-owner")
    with httpx.Client(base_url=services.postings, timeout=30) as api:
        employer = api.post("/v1/employers", json=employer_body(), headers=owner).json()
        ids = []
        now = datetime.now(UTC).replace(microsecond=0)
        start = now + timedelta(days=2)
        shifts = [
            {
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=4)).isoformat(),
                "headcount": 3,
            }
        ]
        for body in (job_body(employer["id"]), gig_body(employer["id"], now, shifts=shifts)):
            created = api.post("/v1/postings", json=body, headers=owner)
            assert created.status_code == 201, created.text
            published = api.post(
                f"/v1/postings/{created.json()['id']}/publish",
                headers=owner | {"If-Match": created.headers["ETag"]},
            )
            assert published.status_code == 200, published.text
            ids.append(published.json())
    return Board(str(ids[0]["id"]), str(ids[1]["id"]), str(ids[1]["shifts"][0]["id"]))


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser: Browser, services: Services) -> AsyncIterator[BrowserContext]:
    made = await browser.new_context(
        base_url=services.matching, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    yield made
    await made.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """var/e2e-screenshots (emptied first); a PostgreSQL run writes into its own postgres/ inside it,
    so it does not remove the SQLite run's pictures of every page."""
    where = SCREENSHOTS / "postgres" if databases.backend() == "postgres" else SCREENSHOTS
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    return where
