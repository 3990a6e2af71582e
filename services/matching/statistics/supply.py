"""The supply-demand cells (county × occupation group): live from the posting facts and the seekers,
or as a week's snapshot kept them. Raw counts; suppression is applied when they are shown."""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from services.matching.statistics.models import StatPosting, StatSeeker, StatWeekly
from services.matching.statistics.seeker_facts import TOTAL, at_level
from services.reference.geo import counties

ALL = TOTAL  # the occupation group of a county's total row


@dataclass(slots=True)
class Cell:
    county: str
    group: str  # "6-29" (level 2), "6" (level 1), UNCLASSIFIED, or ALL for the county's total
    postings: int = 0  # open, valid postings with a free place
    vacancies: int = 0  # their free places
    seekers: int = 0  # seekers with a live profile wanting work in the group

    @property
    def ratio(self) -> float | None:
        """求人倍率: vacancies per seeker; None when nobody seeks."""
        return round(self.vacancies / self.seekers, 2) if self.seekers else None


class Cells:
    """Cells by (county, group), made on first touch."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], Cell] = {}

    def get(self, county: str, group: str) -> Cell:
        key = (county, group)
        cell = self.by_key.get(key)
        if cell is None:
            cell = self.by_key[key] = Cell(county, group)
        return cell

    def sorted(self) -> list[Cell]:
        return sorted(self.by_key.values(), key=lambda c: (c.county, c.group != ALL, c.group))


def _area(column: QueryableAttribute[str], area: Collection[str] | None) -> list[ColumnElement[bool]]:
    return [] if area is None else [column.in_(sorted(area))]


async def _demand_levels(
    session: AsyncSession, by_level: dict[int, Cells], now: datetime, area: Collection[str] | None
) -> None:
    stmt = (
        select(
            StatPosting.county_adcode,
            StatPosting.occupation_group,
            func.count(),
            func.sum(StatPosting.free_places),
        )
        .where(
            StatPosting.open.is_(True),
            StatPosting.free_places > 0,
            or_(StatPosting.valid_until.is_(None), StatPosting.valid_until > now),
            *_area(StatPosting.county_adcode, area),
        )
        .group_by(StatPosting.county_adcode, StatPosting.occupation_group)
    )
    for county, group, postings, places in await session.execute(stmt):
        for level, cells in by_level.items():
            for key in (at_level(group, level), ALL):
                cell = cells.get(county, key)
                cell.postings += int(postings)
                cell.vacancies += int(places or 0)


async def _supply_levels(
    session: AsyncSession, by_level: dict[int, Cells], area: Collection[str] | None
) -> None:
    """Seekers by county and group at each level asked for: one `GROUP BY` over `stat_seekers`, whose
    rows (one per live seeker, level and group, the county's total included) are kept in the same
    transaction as every change to a seeker (`seeker_facts`); answered from `ix_stat_seekers_supply`."""
    stmt = (
        select(StatSeeker.level, StatSeeker.county_adcode, StatSeeker.occupation_group, func.count())
        .where(StatSeeker.level.in_(sorted(by_level)), *_area(StatSeeker.county_adcode, area))
        .group_by(StatSeeker.level, StatSeeker.county_adcode, StatSeeker.occupation_group)
    )
    # Core, not ORM, execution: no entities, and the ORM's row handling costs more than the rows.
    for level, county, group, n in await (await session.connection()).execute(stmt):
        by_level[level].get(county, group).seekers = int(n)


async def live(session: AsyncSession, now: datetime, level: int, area: Collection[str] | None) -> list[Cell]:
    """This moment's cells, with a total row for every county of the area."""
    return (await live_levels(session, now, (level,), area))[level]


async def live_levels(
    session: AsyncSession, now: datetime, levels: Iterable[int], area: Collection[str] | None
) -> dict[int, list[Cell]]:
    """This moment's cells at each level, read once: the demand at level 2 folded up to level 1."""
    by_level = {level: Cells() for level in levels}
    for cells in by_level.values():
        for county in area if area is not None else counties():
            cells.get(county, ALL)
    await _demand_levels(session, by_level, now, area)
    await _supply_levels(session, by_level, area)
    return {level: cells.sorted() for level, cells in by_level.items()}


async def recorded(
    session: AsyncSession, week: str, level: int, area: Collection[str] | None
) -> list[Cell] | None:
    """A past week's cells as its snapshot kept them; None when no snapshot was taken that week."""
    stmt = select(StatWeekly).where(
        StatWeekly.week == week,
        StatWeekly.level == level,
        *_area(StatWeekly.county_adcode, area),
    )
    rows = (await session.scalars(stmt)).all()
    if not rows:
        return None
    cells = Cells()
    for row in rows:
        cell = cells.get(row.county_adcode, row.occupation_group)
        cell.postings, cell.vacancies, cell.seekers = row.postings, row.vacancies, row.seekers
    return cells.sorted()


def totals(cells: Iterable[Cell]) -> dict[str, Cell]:
    """The county total rows by county."""
    return {c.county: c for c in cells if c.group == ALL}


def by_group(cells: Iterable[Cell]) -> dict[str, list[Cell]]:
    out: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.group != ALL:
            out[cell.group].append(cell)
    return out
