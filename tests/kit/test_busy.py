"""A background task can tell "another writer holds the SQLite lock" from a real failure."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from services.kit.db import is_busy


async def test_a_write_lock_held_past_the_busy_timeout_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", connect_args={"timeout": 0.05})
    try:
        with pytest.raises(OperationalError) as caught:
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (1)"))
        assert is_busy(caught.value)
    finally:
        holder.rollback()
        holder.close()
        await engine.dispose()


async def test_other_database_errors_are_not_busy(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    try:
        with pytest.raises(OperationalError) as caught:
            async with engine.begin() as conn:
                await conn.execute(text("SELECT * FROM no_such_table"))
        assert not is_busy(caught.value)
        assert not is_busy(ValueError("database is locked"))
    finally:
        await engine.dispose()
