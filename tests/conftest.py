"""Fixtures for every test: a real database per test (PostgreSQL or SQLite), the apps, tokens."""

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.kit.auth import mint_token
from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.occupations.store import load_or_train
from services.postings.access.reach import SeekerReach
from tests import databases, route_contexts

# The browser suite runs once per `make test`, on its own (`make test-e2e` sets LINGONG_E2E=1).
collect_ignore_glob = [] if os.environ.get("LINGONG_E2E") == "1" else ["e2e/*"]

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("LINGONG_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def pytest_configure(config: pytest.Config) -> None:
    route_contexts.install()
    if databases.backend() == "postgres":
        if not asyncio.run(databases.pg_reachable(databases.pg_url())):
            raise pytest.UsageError(f"PostgreSQL does not answer at {databases.pg_url()} (TEST_DATABASE_URL)")


# A test that asks for none of these touches no test database: its outcome is the same on both backends.
DATABASE_FIXTURES = frozenset({"make_database", "templates", "pg_databases", "is_postgres"})


def backend_independent(item: pytest.Item) -> bool:
    """Marked so, or touching no database (and not PostgreSQL's own)."""
    if "backend_independent" in item.keywords:
        return True
    if "postgres_only" in item.keywords:
        return False
    return not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))


def slow_modules_first(items: list[pytest.Item]) -> None:
    """The modules that hold a test marked slow run first, each whole and in its order, so that under
    xdist (`--dist worksteal`) a long test starts while the other worker has short ones to take, instead
    of ending the run alone on one worker."""
    slow = {item.path for item in items if "slow" in item.keywords}
    items.sort(key=lambda item: item.path not in slow)  # stable: the order within each group stays


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow_modules_first(items)
    if databases.backend() == "sqlite":
        skip = pytest.mark.skip(reason="needs PostgreSQL (this run is on SQLite)")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip)
        return
    # `make test` runs the suite on both backends; LINGONG_ONCE=1 (set by it for the PostgreSQL run) leaves
    # out of that run what does not depend on the backend, which the SQLite run covers.
    if os.environ.get("LINGONG_ONCE") != "1":
        return
    kept = [item for item in items if not backend_independent(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if backend_independent(item)])
        items[:] = kept


@pytest.fixture(scope="session")
def coder_cache() -> Path:
    """A cache holding the occupation coder trained on the classification alone (no labelled titles), so
    that the tests, and the servers they start with MATCHING_CODER_CACHE pointing here and no shared data,
    load it instead of training one. Its file is named by a digest of everything it is trained from, so
    it is trained once per checkout (the first run; about 10 s) and is never stale."""
    cache = REPO / "var" / "cache" / "test-coder"
    load_or_train([], directory=cache)
    return cache


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path] | None:
    if databases.backend() == "postgres":
        databases.prepare_pg_templates(databases.pg_url())
        return None
    return databases.prepare_sqlite_templates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
async def pg_databases() -> AsyncIterator[databases.PgDatabases]:
    dbs = databases.PgDatabases(databases.pg_url())
    yield dbs
    await dbs.close()


@pytest.fixture
def is_postgres() -> bool:
    return databases.backend() == "postgres"


@pytest.fixture
async def make_database(
    templates: dict[str, Path] | None, pg_databases: databases.PgDatabases, tmp_path: Path
) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """await make_database(service) → the URL of a fresh, migrated database of this test's own."""
    made: list[str] = []

    async def make(service: str) -> str:
        if templates is None:
            name, url = await pg_databases.create(service)
            made.append(name)
            return url
        return databases.sqlite_copy(templates[service], tmp_path, service)

    yield make
    for name in made:
        await pg_databases.release(name)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def auth_settings() -> AuthSettings:
    return AuthSettings()


@pytest.fixture
def token(auth_settings: AuthSettings) -> Callable[..., dict[str, str]]:
    """token(role, sub, station=, county=) → Authorization headers (county: the staff county claim)."""

    def make(
        role: str, sub: str, station: str | None = None, ttl: int = 3600, county: str | None = None
    ) -> dict[str, str]:
        extra = {"county_adcode": county} if county else None
        minted = mint_token(auth_settings, role, sub, station_id=station, ttl=ttl, extra=extra)
        return {"Authorization": f"Bearer {minted}"}

    return make


class LifespanApp:
    """Runs an app's lifespan for the length of a test."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._cm = app.router.lifespan_context(app)

    async def __aenter__(self) -> FastAPI:
        await self._cm.__aenter__()
        return self.app

    async def __aexit__(self, *exc: object) -> None:
        await self._cm.__aexit__(None, None, None)


async def ask_matching(
    postings_app: FastAPI, matching_app: FastAPI, transport: httpx.AsyncBaseTransport | None = None
) -> None:
    """The running postings app asks this matching app whom staff reach (through its ASGI transport, or
    the one given), as `lingong serve` wires them over HTTP."""
    await postings_app.state.seeker_reach.aclose()
    settings = postings_app.state.settings
    postings_app.state.seeker_reach = SeekerReach(
        settings.matching, settings.auth, transport=transport or httpx.ASGITransport(app=matching_app)
    )


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=30)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA
