"""The weekly snapshot: this week's supply-demand cells rewritten every round of a periodic task, so
the last round of a week leaves that week's figures behind ("last period" for shortages and alerts)."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import Clock
from services.kit.db import is_postgres
from services.kit.periodic import PeriodicTask
from services.kit.uow import unit_of_work
from services.matching.statistics import facts, supply
from services.matching.statistics.models import StatWeekly
from services.matching.statistics.weeks import week_of

LEVELS = (1, 2)
SNAPSHOT_LOCK_ID = 0x73747773  # "stws": apart from the other advisory locks of the matching database


async def week_rows(session: AsyncSession, now: datetime) -> list[dict[str, Any]]:
    """This week's cells at both levels as they are now, ready to store."""
    week = week_of(now)
    return [
        {
            "week": week,
            "level": level,
            "county_adcode": cell.county,
            "occupation_group": cell.group,
            "postings": cell.postings,
            "vacancies": cell.vacancies,
            "seekers": cell.seekers,
            "taken_at": now,
        }
        for level, cells in (await supply.live_levels(session, now, LEVELS, None)).items()
        for cell in cells
    ]


async def store_week(session: AsyncSession, week: str, rows: list[dict[str, Any]]) -> None:
    """Replace a week's snapshot; flushes. Writers take turns (every matching process runs the task): two
    at once would each delete what they saw and insert the same cells, and the second insert would fail
    on the first's rows (PostgreSQL's DELETE does not see rows committed after its statement began)."""
    if is_postgres(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SNAPSHOT_LOCK_ID})
    await session.execute(delete(StatWeekly).where(StatWeekly.week == week))
    if rows:
        await session.execute(insert(StatWeekly), rows)
    await session.flush()


@dataclass(slots=True)
class Round:
    derived: int
    cells: int


class StatisticsTask(PeriodicTask[Round]):
    """Catches the posting facts up with the replica, then rewrites this week's snapshot."""

    what = "statistics snapshot"
    task_name = "statistics-snapshot"
    span_name = "statistics snapshot"
    log = logging.getLogger("lingong.statistics")

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        super().__init__()
        self.sessionmaker = sessionmaker
        self.clock = clock

    async def run_once(self) -> Round:
        """Short transactions (one per batch of facts, one to store): no write lock held over a scan."""
        now = self.clock.now()
        derived = done = await self._derive(now)
        while done == facts.BATCH:  # a backlog: one batch per transaction, so writers can interleave
            done = await self._derive(now)
            derived += done
        async with self.sessionmaker() as session:
            rows = await week_rows(session, now)
        async with unit_of_work(self.sessionmaker) as session:
            await store_week(session, week_of(now), rows)
        return Round(derived, len(rows))

    async def _derive(self, now: datetime) -> int:
        async with unit_of_work(self.sessionmaker) as session:
            return await facts.catch_up(session, now, facts.BATCH)

    def work(self, result: Round) -> dict[str, int]:
        return {"statistics.derived": result.derived, "statistics.cells": result.cells}  # always rewrites

    def report(self, result: Round) -> None:
        if result.derived:
            self.log.info("statistics facts derived", extra={"postings": result.derived})
