"""Test databases: migrated once per run into a template, then one fresh copy per test.

PostgreSQL: `CREATE DATABASE ... TEMPLATE` per test (real commits, real concurrency, full isolation).
SQLite: the migrated template file copied per test.
"""

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from services.kit.migrate import upgrade

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SERVICES = ("postings", "matching")


def backend() -> str:
    return os.environ.get("TEST_BACKEND", "postgres")


def pg_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


def worker() -> str:
    """Unique per test process, so parallel runs (xdist workers, several checkouts) never share a template."""
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


def _dsn(url: str, database: str | None = None) -> str:
    u = make_url(url)
    if database is not None:
        u = u.set(database=database)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(_dsn(url), timeout=5)


async def pg_reachable(url: str) -> bool:
    try:
        conn = await _admin(url)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


def _template_name(service: str) -> str:
    return f"lingong_tpl_{service}_{worker()}"


def prepare_pg_templates(url: str) -> None:
    """Drop, re-create and migrate each service's template (sync: alembic runs its own event loop)."""

    async def recreate(name: str) -> None:
        conn = await _admin(url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    for service in SERVICES:
        name = _template_name(service)
        asyncio.run(recreate(name))
        upgrade(service, make_url(url).set(database=name).render_as_string(hide_password=False))


DROPS_AT_ONCE = 4  # drops in flight (each on its own connection): they share their checkpoints
DROPS_QUEUED = 32  # a test's copies wait for the oldest drops beyond this many, so they do not pile up


class PgDatabases:
    """Per-test copies of the templates, made on one admin connection and dropped in the background.

    PostgreSQL's DROP DATABASE waits for a checkpoint, which takes from a tenth of a second to seconds on
    a busy disk; no test needs its last database gone before the next one starts, and drops that
    overlap share one checkpoint. `close()` waits for every drop."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conn: asyncpg.Connection | None = None
        self._dropping: set[asyncio.Task[None]] = set()
        self._failed: list[BaseException] = []
        self._slots: asyncio.Semaphore | None = None

    async def create(self, service: str) -> tuple[str, str]:
        if self.conn is None:
            self.conn = await _admin(self.url)
        while len(self._dropping) > DROPS_QUEUED:
            await asyncio.wait(self._dropping, return_when=asyncio.FIRST_COMPLETED)
        name = f"lingong_t_{service}_{worker()}_{uuid.uuid4().hex[:10]}"
        await self.conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_template_name(service)}"')
        return name, make_url(self.url).set(database=name).render_as_string(hide_password=False)

    async def drop(self, name: str) -> None:
        """Starts dropping `name` (its connections are ended) and returns."""
        task = asyncio.create_task(self._drop(name))
        self._dropping.add(task)
        task.add_done_callback(self._dropped)

    def _dropped(self, task: asyncio.Task[None]) -> None:
        self._dropping.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._failed.append(task.exception())  # type: ignore[arg-type]

    async def _drop(self, name: str) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(DROPS_AT_ONCE)
        async with self._slots:
            conn = await _admin(self.url)
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await conn.close()

    async def close(self) -> None:
        """Drops the templates alongside the last copies and waits for every drop."""
        for service in SERVICES:
            await self.drop(_template_name(service))
        await asyncio.gather(*self._dropping, return_exceptions=True)
        if self.conn is not None:
            await self.conn.close()
        if self._failed:
            raise self._failed[0]  # a drop that failed fails the session's teardown


def prepare_sqlite_templates(directory: Path) -> dict[str, Path]:
    out = {}
    for service in SERVICES:
        path = directory / f"template_{service}.db"
        upgrade(service, f"sqlite+aiosqlite:///{path}")
        out[service] = path
    return out


def sqlite_copy(template: Path, directory: Path, service: str) -> str:
    target = directory / f"{service}.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


def _pg_name(label: str, service: str) -> str:
    return f"lingong_{label}_{service}_{worker()}"


def create_pg_databases(url: str, label: str) -> dict[str, str]:
    """A fresh, migrated database per service (`lingong_<label>_<service>_<worker>`, a leftover of that
    name dropped first), for processes started outside pytest (the e2e services); their URLs."""

    async def recreate(name: str) -> None:
        conn = await _admin(url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    out = {}
    for service in SERVICES:
        name = _pg_name(label, service)
        asyncio.run(recreate(name))
        out[service] = make_url(url).set(database=name).render_as_string(hide_password=False)
        upgrade(service, out[service])
    return out


def drop_pg_databases(url: str, label: str) -> None:
    async def drop() -> None:
        conn = await _admin(url)
        try:
            for service in SERVICES:
                await conn.execute(f'DROP DATABASE IF EXISTS "{_pg_name(label, service)}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())
