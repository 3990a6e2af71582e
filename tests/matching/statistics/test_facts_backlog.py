"""The statistics round catches up a backlog of changed postings in batches (one transaction each, so
its memory and its write lock stay small), and all of it in one round."""

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.matching.statistics import facts
from services.matching.statistics.models import StatPosting
from services.matching.statistics.snapshots import StatisticsTask
from tests.matching.statistics.conftest import A, Feed


async def test_a_backlog_of_several_batches_is_derived_in_one_round(
    feed: Feed, task: StatisticsTask, stats_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facts, "BATCH", 3)
    for _ in range(7):
        await feed.post(A, "6-18-02-04", headcount=2)

    result = await task.run_once()

    async with stats_app.state.sessionmaker() as session:
        stored = await session.scalar(select(func.count()).select_from(StatPosting))
    assert (result.derived, stored) == (7, 7)
