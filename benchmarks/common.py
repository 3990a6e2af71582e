"""What the benchmarks share: a scratch PostgreSQL database when one answers."""

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
from sqlalchemy.engine import make_url

PG_URL = os.environ.get(
    "BENCH_DATABASE_URL",
    os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> bool:
    try:
        conn = await asyncpg.connect(_dsn(PG_URL), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
    return True


@contextmanager
def scratch_pg_database(name: str) -> Iterator[str | None]:
    """A fresh database for one benchmark (None when PostgreSQL does not answer); dropped afterwards."""
    if not asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')):
        yield None
        return
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
