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


class PgDatabases:
    """Per-test copies of the templates, on one admin connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conn: asyncpg.Connection | None = None

    async def create(self, service: str) -> tuple[str, str]:
        if self.conn is None:
            self.conn = await _admin(self.url)
        name = f"lingong_t_{service}_{worker()}_{uuid.uuid4().hex[:10]}"
        await self.conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_template_name(service)}"')
        return name, make_url(self.url).set(database=name).render_as_string(hide_password=False)

    async def drop(self, name: str) -> None:
        assert self.conn is not None
        await self.conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def close(self) -> None:
        if self.conn is None:
            self.conn = await _admin(self.url)
        for service in SERVICES:
            await self.conn.execute(f'DROP DATABASE IF EXISTS "{_template_name(service)}" WITH (FORCE)')
        await self.conn.close()


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
