"""Background tasks: "another writer holds the SQLite lock" is told from a real failure, and no failed
round stops the next."""

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from services.kit.db import is_busy
from services.kit.periodic import PeriodicTask


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


async def test_a_periodic_task_survives_a_failed_round_and_runs_the_next(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Flaky(PeriodicTask[int]):
        what = "flaky round"

        def __init__(self) -> None:
            super().__init__()
            self.rounds = 0
            self.reported: list[int] = []

        async def run_once(self) -> int:
            self.rounds += 1
            if self.rounds == 1:
                raise RuntimeError("boom")
            return self.rounds

        def report(self, result: int) -> None:
            self.reported.append(result)

    task = Flaky()
    task.start(0)
    for _ in range(200):
        if task.reported:
            break
        await asyncio.sleep(0.005)
    await task.stop()

    assert task.reported[0] == 2
    assert "flaky round failed" in caplog.text
