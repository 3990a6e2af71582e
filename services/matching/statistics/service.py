"""The market-watch tables: supply and demand (求人倍率) by county × occupation group × week, and the
shortage list (企业急需紧缺用工). Raw cells come from `supply`; rows here are as shown (suppressed)."""

from collections.abc import Collection, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.statistics import disclosure, funnel, present, supply
from services.matching.statistics.deps import Reading
from services.matching.statistics.exceptions import (
    DatesOutOfOrder,
    InvalidPeriod,
    InvalidWeek,
    WeekNotRecorded,
)
from services.matching.statistics.models import UNCLASSIFIED
from services.matching.statistics.supply import Cell
from services.matching.statistics.weeks import BEIJING, parse_week, previous_week, week_of

EARLIEST_YEAR = 2020
DEFAULT_DAYS = 30
MAX_DAYS = 366
LEVELS = (1, 2)


@dataclass(slots=True)
class Period:
    week: str
    source: str  # live or snapshot
    cells: list[Cell]


def checked_week(week: str | None, now: datetime) -> str:
    """The week asked for (this week by default); 422 for one that does not exist or is to come."""
    current = week_of(now)
    if week is None:
        return current
    try:
        parse_week(week)
    except ValueError as exc:
        raise InvalidWeek(week=week) from exc
    if week > current or int(week[:4]) < EARLIEST_YEAR:
        raise InvalidWeek(week=week)
    return week


async def cells_for(
    session: AsyncSession, now: datetime, week: str, level: int, area: Collection[str] | None
) -> Period | None:
    """This week live, a past week from its snapshot (None when none was taken)."""
    if week == week_of(now):
        return Period(week, "live", await supply.live(session, now, level, area))
    cells = await supply.recorded(session, week, level, area)
    return None if cells is None else Period(week, "snapshot", cells)


@dataclass(slots=True)
class Tables:
    """A week's cells of every county at both levels, and which seeker counts are hidden."""

    week: str
    source: str
    by_level: dict[int, list[Cell]]
    marks: dict[Hashable, disclosure.Mark]

    def period(self, level: int, area: Collection[str] | None) -> Period:
        cells = self.by_level[level]
        return Period(self.week, self.source, [c for c in cells if area is None or c.county in area])


async def tables_for(session: AsyncSession, now: datetime, week: str, below: int) -> Tables | None:
    """The whole table (all counties, both levels) and its suppression pattern, computed before it is
    cut to the reader's area so that every reader and every area see the same cells hidden."""
    if week == week_of(now):
        by_level, source = await supply.live_levels(session, now, LEVELS, None), "live"
    else:
        found = {level: await supply.recorded(session, week, level, None) for level in LEVELS}
        if any(cells is None for cells in found.values()):
            return None
        by_level, source = {level: cells or [] for level, cells in found.items()}, "snapshot"
    seekers = {level: {(c.county, c.group): c.seekers for c in cells} for level, cells in by_level.items()}
    return Tables(week, source, by_level, disclosure.supply_marks(seekers, below))


async def supply_demand(
    reading: Reading, week: str | None, level: int
) -> tuple[Period, list[dict[str, Any]]]:
    now = reading.clock.now()
    tables = await tables_for(reading.session, now, checked_week(week, now), reading.below)
    if tables is None:
        raise WeekNotRecorded(week=week)
    period = tables.period(level, reading.area)
    return period, present.supply_rows(period.cells, reading.below, tables.marks, level)


@dataclass(slots=True)
class Shortage:
    group: str
    vacancies: int
    seekers: int
    counties: int  # counties of the area where the group's demand exceeds its supply

    @property
    def gap(self) -> int:
        return self.vacancies - self.seekers


def rank_shortages(cells: list[Cell]) -> list[Shortage]:
    """Occupation groups whose demand exceeds supply in the area, the largest gap first."""
    out: list[Shortage] = []
    for group, rows in supply.by_group(cells).items():
        if group == UNCLASSIFIED:
            continue
        item = Shortage(
            group,
            vacancies=sum(c.vacancies for c in rows),
            seekers=sum(c.seekers for c in rows),  # a seeker lives in one county: counties add up
            counties=sum(1 for c in rows if c.vacancies > c.seekers),
        )
        if item.gap > 0:
            out.append(item)
    return sorted(out, key=lambda s: (-s.gap, -s.vacancies, s.group))


def shortage_mark(
    tables: Tables, level: int, group: str, area: Collection[str] | None
) -> disclosure.Mark | None:
    """Whether the area's seekers of a group are hidden: the group's column total for all counties, the
    cell itself for one county; for several, hidden when any of their cells is."""
    if area is None:
        return tables.marks.get(disclosure.column_key(level, group))
    found = [tables.marks.get(disclosure.cell_key(level, c, group)) for c in sorted(area)]
    marks = [m for m in found if m is not None]
    if not marks:
        return None
    return disclosure.PRIMARY if disclosure.PRIMARY in marks and len(found) == 1 else disclosure.SECONDARY


def shortage_row(
    rank: int, item: Shortage, last: dict[str, int], below: int, mark: disclosure.Mark | None = None
) -> dict[str, Any]:
    if mark is None and present.suppressed(item.seekers, below):
        mark = disclosure.PRIMARY
    hidden = mark is not None
    return {
        "rank": rank,
        "occupation_group": item.group,
        "occupation_name": present.group_name(item.group),
        "vacancies": item.vacancies,
        "seekers": present.figure(item.seekers, mark, below),
        "gap": present.figure(0, mark, below) if hidden else item.gap,
        "rank_last_period": last.get(item.group),
        "counties_reporting": item.counties,
    }


async def shortages(
    reading: Reading, week: str | None, level: int, limit: int
) -> tuple[Period, str, list[dict[str, Any]]]:
    """The shortage list of a week, each occupation with its rank in the week before."""
    now = reading.clock.now()
    tables = await tables_for(reading.session, now, checked_week(week, now), reading.below)
    if tables is None:
        raise WeekNotRecorded(week=week)
    current = tables.period(level, reading.area)
    before = previous_week(current.week)
    last = await cells_for(reading.session, now, before, level, reading.area)
    last_ranks = {s.group: i for i, s in enumerate(rank_shortages(last.cells if last else []), 1)}
    ranked = rank_shortages(current.cells)[:limit]
    rows = [
        shortage_row(i, s, last_ranks, reading.below, shortage_mark(tables, level, s.group, reading.area))
        for i, s in enumerate(ranked, 1)
    ]
    return current, before, rows


def checked_period(date_from: date | None, date_to: date | None, now: datetime) -> tuple[date, date]:
    """The days asked for, on the Beijing calendar (default: the 30 days up to today)."""
    today = now.astimezone(BEIJING).date()
    end = date_to or today
    start = date_from or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise DatesOutOfOrder(date_from=str(start), date_to=str(end))
    if end > today or start.year < EARLIEST_YEAR or (end - start).days >= MAX_DAYS:
        raise InvalidPeriod(date_from=str(start), date_to=str(end))
    return start, end


async def outcomes(
    reading: Reading, date_from: date | None, date_to: date | None
) -> tuple[date, date, list[dict[str, Any]], list[dict[str, Any]]]:
    """The funnel per county and station and the placement rates, over whole Beijing days."""
    start, end = checked_period(date_from, date_to, reading.clock.now())
    period = funnel.Period(_midnight(start), _midnight(end + timedelta(days=1)))
    # Counted for every county, so the suppression pattern is the same whatever the reader's area.
    counts = await funnel.funnel_counts(reading.session, period, None)
    rates = await funnel.placement_rates(reading.session, period, reading.area)
    rows = funnel.funnel_rows(counts, reading.below, reading.area)
    return start, end, rows, funnel.rate_rows(rates, reading.below)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), BEIJING).astimezone(UTC)
