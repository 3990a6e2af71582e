"""The supply-demand cells (county × occupation group): live from the posting facts and the seekers,
or as a week's snapshot kept them. Raw counts; suppression is applied when they are shown."""

import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from services.matching.seekers.models import Seeker, SeekerConsent
from services.matching.seekers.schemas import ConsentPurpose
from services.matching.statistics.facts import occupation_group
from services.matching.statistics.models import UNCLASSIFIED, StatPosting, StatWeekly
from services.reference.geo import counties

ALL = ""  # the occupation group of a county's total row


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


def at_level(group: str, level: int) -> str:
    """A medium group at the classification level asked for (1: its major group)."""
    if level == 1 and group not in (UNCLASSIFIED, ALL):
        return group.split("-")[0]
    return group


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


def seeker_groups(codes: Iterable[str], level: int) -> set[str]:
    """The groups a seeker counts in: each group of the occupations they name, or unclassified."""
    groups = {_group(code, level) for code in codes}
    groups.discard(UNCLASSIFIED)
    return groups or {UNCLASSIFIED}


_GROUPS: dict[tuple[str, int], str] = {}


def _group(code: str, level: int) -> str:
    key = (code, level)
    found = _GROUPS.get(key)
    if found is None:
        found = _GROUPS[key] = at_level(occupation_group(code), level)
    return found


_CODE_LISTS: dict[tuple[str | None, tuple[int, ...]], tuple[frozenset[str], ...]] = {}
CODE_LISTS_KEPT = 200_000  # distinct code lists remembered across requests (a few MB at most)


def _code_list_groups(raw: str | None, levels: tuple[int, ...]) -> tuple[frozenset[str], ...]:
    """A seeker's codes as stored (JSON text) → the groups they count in at each level; remembered, as
    the same lists come back on every read."""
    key = (raw, levels)
    found = _CODE_LISTS.get(key)
    if found is None:
        if len(_CODE_LISTS) >= CODE_LISTS_KEPT:
            _CODE_LISTS.clear()
        codes = json.loads(raw) if raw else []
        found = _CODE_LISTS[key] = tuple(frozenset(seeker_groups(codes, level)) for level in levels)
    return found


def active_seekers(area: Collection[str] | None) -> list[ColumnElement[bool]]:
    """Seekers with a live profile who want work: registered, their matching consent active."""
    live = (
        select(SeekerConsent.id)
        .where(
            SeekerConsent.seeker_id == Seeker.id,
            SeekerConsent.purpose == ConsentPurpose.MATCHING.value,
            SeekerConsent.withdrawn_at.is_(None),
        )
        .exists()
    )
    return [live, *_area(Seeker.county_adcode, area)]


async def _supply_levels(
    session: AsyncSession, by_level: dict[int, Cells], area: Collection[str] | None
) -> None:
    """Seekers by county and group at each level asked for, in one read. The codes come as JSON text
    (the ORM's JSON type costs more than the count) and each distinct list is decoded once. (Grouping by
    that text in the database was tried: on PostgreSQL it cost more than it saved.)"""
    codes_text = cast(Seeker.occupation_codes, String)
    stmt = select(Seeker.county_adcode, codes_text).where(*active_seekers(area))
    # Core, not ORM, execution: the ORM's row loading cost more than the counting.
    result = await (await session.connection()).execute(stmt)
    rows: list[Any] = list(result.all())
    pairs: Counter[tuple[str, str | None]] = Counter(map(tuple, rows))
    levels = tuple(by_level)
    counts: dict[int, Counter[tuple[str, str]]] = {level: Counter() for level in levels}
    for (county, raw), n in pairs.items():
        for level, groups in zip(levels, _code_list_groups(raw, levels), strict=True):
            counter = counts[level]
            counter[(county, ALL)] += n
            for group in groups:
                counter[(county, group)] += n
    for level, counter in counts.items():
        for (county, group), n in counter.items():
            by_level[level].get(county, group).seekers = n


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
