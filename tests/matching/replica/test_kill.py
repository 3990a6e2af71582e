"""kill -9 at random moments, restart, repeat: the replica ends up exactly as if nothing had happened."""

import asyncio
import random
import sys
from pathlib import Path

import pytest

from services.matching.config import MatchingSettings
from tests.matching.replica.conftest import Db
from tests.matching.replica.feeds import replica_postings, stored_cursor
from tests.matching.replica.killable import scripted_events

ROOT = Path(__file__).resolve().parents[3]
KILLS = 4  # each restart costs a process start (~1-3 s of imports)


async def _run(url: str, rng: random.Random, *, kill: bool) -> bool:
    """Start a consumer process; with `kill`, kill -9 it a moment after a few commits. True if it finished."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.matching.replica.killable", url, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    commits_before_kill = rng.randint(1, 4)
    try:
        while line := (await asyncio.wait_for(proc.stdout.readline(), 60)).decode():
            if line.startswith("done"):
                break
            commits_before_kill -= 1
            if kill and commits_before_kill == 0:
                await asyncio.sleep(rng.uniform(0, 0.015))
                proc.kill()
                await proc.wait()
                return False
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
    return True


@pytest.mark.slow
async def test_a_consumer_killed_again_and_again_applies_every_event_exactly_once(
    db: Db, matching_settings: MatchingSettings
) -> None:
    events, final = scripted_events()
    rng = random.Random(11)
    url = matching_settings.database_url
    finished_early = [await _run(url, rng, kill=True) for _ in range(KILLS)]
    finished = await _run(url, rng, kill=False)

    cursor = await stored_cursor(db)
    rows = await replica_postings(db)
    assert (finished_early, finished) == ([False] * KILLS, True)
    assert cursor is not None
    assert (cursor.seq, cursor.events) == (len(events), len(events))
    assert {pid: row.version for pid, row in rows.items()} == final
