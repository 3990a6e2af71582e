"""A pooled PostgreSQL connection is tested at checkout only after it sat unused a while
(`database_ping_after_idle_seconds`): a connection the server dropped meanwhile is replaced, not handed
to the request."""

import asyncio

import asyncpg
import pytest
from sqlalchemy import text

from services.kit.db import build_engine
from services.matching.config import MatchingSettings
from tests.databases import _dsn, backend, pg_reachable, pg_url

pytestmark = pytest.mark.skipif(backend() != "postgres", reason="PostgreSQL only")


async def test_a_connection_dropped_while_idle_is_replaced_at_its_next_checkout() -> None:
    if not await pg_reachable(pg_url()):
        pytest.skip("PostgreSQL does not answer")
    engine = build_engine(MatchingSettings(database_url=pg_url(), database_ping_after_idle_seconds=0.05))
    try:
        async with engine.connect() as conn:
            pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        admin = await asyncpg.connect(_dsn(pg_url()), timeout=5)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        await asyncio.sleep(0.2)

        async with engine.connect() as conn:
            fresh = await conn.scalar(text("SELECT pg_backend_pid()"))
    finally:
        await engine.dispose()

    assert fresh != pid
