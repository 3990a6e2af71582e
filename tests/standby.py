"""A real PostgreSQL streaming replica for the read-replica tests: scripts/standby_clusters.sh makes a
primary (127.0.0.1:5433) and its hot standby (127.0.0.1:5434) with pg_createcluster and pg_basebackup.

Outside CI the tests skip when the clusters cannot be made here (not root, no pg_createcluster); with
CI=true they fail instead, so the replica is never quietly untested.
"""

import asyncio
import fcntl
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO

import asyncpg
import pytest

from services.kit.migrate import upgrade

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "standby_clusters.sh"
PRIMARY_DSN = "postgresql://postgres@127.0.0.1:5433/postgres"
STANDBY_DSN = "postgresql://postgres@127.0.0.1:5434/postgres"
LOCK = "/tmp/lingong-standby-tests.lock"


def ensure_clusters() -> None:
    """Start (or make) the primary and its standby; skip or fail when this machine cannot."""
    reason = None
    if shutil.which("pg_createcluster") is None:
        reason = "pg_createcluster is not installed"
    elif os.geteuid() != 0:
        reason = "making PostgreSQL clusters needs root"
    if reason is None:
        done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            reason = f"{SCRIPT.name} failed: {done.stderr.strip()[-500:]}"
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the read-replica clusters are needed in CI: {reason}")
        pytest.skip(reason)


def url(dsn: str, database: str) -> str:
    return dsn.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0] + f"/{database}"


async def sql(dsn: str, statement: str) -> object:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        return await conn.fetchval(statement)
    finally:
        await conn.close()


async def pause_replay() -> None:
    await sql(STANDBY_DSN, "SELECT pg_wal_replay_pause()")


async def resume_replay() -> None:
    await sql(STANDBY_DSN, "SELECT pg_wal_replay_resume()")


async def caught_up(timeout: float = 20) -> None:
    """Wait until the standby has replayed everything the primary has written so far.

    The insert position, not pg_current_wal_lsn() (the write position): the test primary runs with
    synchronous_commit = off, so a commit that has returned may still sit in the WAL buffers, before the
    write position, and a wait on that position could end before the commit reaches the standby.
    """
    target = await sql(PRIMARY_DSN, "SELECT pg_current_wal_insert_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        behind = await sql(STANDBY_DSN, f"SELECT pg_wal_lsn_diff('{target}', pg_last_wal_replay_lsn())")
        if behind is not None and float(str(behind)) <= 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the standby did not catch up")


@asynccontextmanager
async def replicated_database(service: str) -> AsyncIterator[tuple[str, str]]:
    """A fresh migrated database of `service` on the primary, once on the standby: (primary, standby).

    Tests that pause the standby's replay must not overlap (xdist workers, other checkouts on this
    machine): the block holds a machine-wide lock.
    """
    lock = await asyncio.to_thread(_lock)
    await resume_replay()
    name = f"lingong_rr_{service}_{uuid.uuid4().hex[:10]}"
    await sql(PRIMARY_DSN, f'CREATE DATABASE "{name}"')
    try:
        await asyncio.to_thread(upgrade, service, url(PRIMARY_DSN, name))
        await caught_up()
        yield url(PRIMARY_DSN, name), url(STANDBY_DSN, name)
    finally:
        await resume_replay()
        await sql(PRIMARY_DSN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        lock.close()  # closing the file releases the lock


def _lock() -> IO[str]:
    handle = open(LOCK, "w")  # noqa: SIM115 - held for the test's length, closed by the caller
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle
