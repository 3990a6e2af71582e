"""The embedded database file is in WAL mode from its migration on, so a service's new connection never
has to switch it while another connection reads (the switch needs the file to itself: "database is
locked" whatever the busy timeout)."""

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy import text

from services.kit.db import build_engine
from services.kit.migrate import upgrade
from services.postings.config import PostingsSettings


async def _migrated(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, "postings", url)  # Alembic runs its own event loop
    return url


async def test_a_migrated_database_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "postings.db"

    await _migrated(path)

    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_a_new_connection_reads_while_another_connection_holds_a_read_transaction(
    tmp_path: Path,
) -> None:
    path = tmp_path / "postings.db"
    url = await _migrated(path)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM postings").fetchone()  # holds the file for reading
    engine = build_engine(PostingsSettings(database_url=url, sqlite_busy_timeout_ms=200))
    try:
        async with engine.connect() as conn:
            count = (await conn.execute(text("SELECT count(*) FROM postings"))).scalar_one()
    finally:
        reader.rollback()
        reader.close()
        await engine.dispose()

    assert count == 0
