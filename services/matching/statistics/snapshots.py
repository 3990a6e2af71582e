"""The weekly snapshot: this week's supply-demand cells rewritten every round of a periodic task, so
the last round of a week leaves that week's figures behind ("last period" for shortages and alerts)."""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import Clock
from services.kit.periodic import PeriodicTask
from services.kit.uow import unit_of_work
from services.matching.statistics import facts, supply
from services.matching.statistics.models import StatWeekly
from services.matching.statistics.weeks import week_of

LEVELS = (1, 2)


async def write_week(session: AsyncSession, now: datetime) -> int:
    """Replace the current week's snapshot with the cells as they are now; flushes."""
    week = week_of(now)
    await session.execute(delete(StatWeekly).where(StatWeekly.week == week))
    rows = [
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
        for level in LEVELS
        for cell in await supply.live(session, now, level, None)
    ]
    if rows:
        await session.execute(insert(StatWeekly), rows)
    await session.flush()
    return len(rows)


@dataclass(slots=True)
class Round:
    derived: int
    cells: int


class StatisticsTask(PeriodicTask[Round]):
    """Catches the posting facts up with the replica, then rewrites this week's snapshot."""

    what = "statistics snapshot"
    task_name = "statistics-snapshot"
    log = logging.getLogger("lingong.statistics")

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        super().__init__()
        self.sessionmaker = sessionmaker
        self.clock = clock

    async def run_once(self) -> Round:
        now = self.clock.now()
        async with unit_of_work(self.sessionmaker) as session:
            derived = await facts.catch_up(session, now)
            cells = await write_week(session, now)
        return Round(derived, cells)

    def report(self, result: Round) -> None:
        if result.derived:
            self.log.info("statistics facts derived", extra={"postings": result.derived})
