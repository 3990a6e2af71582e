"""Outcomes: the funnel referrals → applications → accepted/booked → completed → paid per county and
station, and the placement rate of each priority group next to everyone's (the fairness audit the
employer never sees). Read from the outcome tables the replica folds (docs/outcomes.md)."""

from collections import Counter, defaultdict
from collections.abc import Collection, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.outcomes.models import OutcomeApplication, OutcomeEngagement, Placement
from services.matching.seekers.models import Seeker, SeekerConsent, SeekerSensitive
from services.matching.seekers.query import priority_groups
from services.matching.seekers.schemas import ConsentPurpose
from services.matching.statistics import disclosure, present

STEPS = ("referrals", "applications", "accepted_booked", "completed", "paid")
DONE = ("completed", "confirmed", "paid", "disputed")
GROUP_NAMES = {
    "graduate": "高校毕业生",
    "rural_labour": "农村劳动力",
    "older_worker_45_65": "大龄劳动者",
    "disabled": "残疾人",
    "long_term_unemployed": "长期失业人员",
    "veteran": "退役军人",
    "zero_employment_household": "零就业家庭成员",
    "low_income": "低保及脱贫家庭成员",
}
Key = tuple[str, str | None]  # (county, station)


@dataclass(slots=True)
class Period:
    start: datetime
    end: datetime  # exclusive


def _in(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def _step_queries(period: Period) -> dict[str, list[tuple[Any, ColumnElement[bool]]]]:
    """Each step: (table, condition) pairs whose rows it counts."""
    apps, engs = OutcomeApplication, OutcomeEngagement
    completed = or_(
        _in(engs.completed_at, period),
        and_(engs.completed_at.is_(None), engs.status.in_(DONE), _in(engs.updated_at, period)),
    )
    return {
        "referrals": [
            (apps, and_(apps.source == "station", _in(apps.created_at, period))),
            (
                engs,
                and_(engs.source == "station", engs.application_id.is_(None), _in(engs.booked_at, period)),
            ),
        ],
        "applications": [(apps, _in(apps.created_at, period))],
        "accepted_booked": [(apps, _in(apps.accepted_at, period)), (engs, _in(engs.booked_at, period))],
        "completed": [(engs, completed)],
        "paid": [(engs, and_(engs.status == "paid", _in(engs.paid_at, period)))],
    }


async def funnel_counts(
    session: AsyncSession, period: Period, area: Collection[str] | None
) -> dict[Key, Counter[str]]:
    """Counts of each step by (county, station)."""
    out: dict[Key, Counter[str]] = defaultdict(Counter)
    for step, parts in _step_queries(period).items():
        for table, condition in parts:
            stmt = select(table.county_adcode, table.station_id, func.count()).where(condition)
            if area is not None:
                stmt = stmt.where(table.county_adcode.in_(sorted(area)))
            stmt = stmt.group_by(table.county_adcode, table.station_id)
            for county, station, n in await session.execute(stmt):
                out[(county, station)][step] += int(n)
    return out


def funnel_rows(
    counts: dict[Key, Counter[str]], below: int, area: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """A row per county and station, each county's total before its stations, the area's total last.
    `counts` are every county's: the suppression pattern is made over them all, then cut to `area`."""
    marks = disclosure.funnel_marks(counts, STEPS, below)
    by_county: dict[str, Counter[str]] = defaultdict(Counter)
    for (county, _), steps in counts.items():
        by_county[county].update(steps)
    shown = sorted(c for c in by_county if area is None or c in area)
    rows = []
    for county in shown:
        rows.append(_funnel_row(county, None, by_county[county], below, marks, (county, None)))
        stations = sorted((s for c, s in counts if c == county and s is not None))
        rows.extend(_funnel_row(county, s, counts[(county, s)], below, marks, (county, s)) for s in stations)
    overall: Counter[str] = Counter()
    for county in shown:
        overall.update(by_county[county])
    if area is None:
        where: tuple[str | None, str | None] | None = (None, None)
    else:
        where = (shown[0], None) if len(shown) == 1 else None
    rows.append(_funnel_row(None, None, overall, below, marks, where))
    return rows


def _funnel_row(
    county: str | None,
    station: str | None,
    steps: Counter[str],
    below: int,
    marks: dict[Hashable, disclosure.Mark],
    where: tuple[str | None, str | None] | None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "county_adcode": county,
        "county_name": present.county_name(county) if county else "全部",
        "station_id": station,
    }
    for step in STEPS:
        mark = marks.get((step, *where)) if where is not None else None
        if mark is None and present.suppressed(steps[step], below):
            mark = disclosure.PRIMARY
        row[step] = present.figure(steps[step], mark, below)
    return row


@dataclass(slots=True)
class Rate:
    seekers: set[str] = field(default_factory=set)
    placed: int = 0


async def placement_rates(
    session: AsyncSession, period: Period, area: Collection[str] | None
) -> dict[str | None, Rate]:
    """Seekers registered by the period's end in the area, and how many were placed in the period:
    everyone (key None) and each priority group, known only under the sensitive-data consent."""
    stmt = select(Seeker.id).where(Seeker.created_at < period.end)
    if area is not None:
        stmt = stmt.where(Seeker.county_adcode.in_(sorted(area)))
    everyone = set((await session.scalars(stmt)).all())
    consented = select(SeekerConsent.seeker_id).where(
        SeekerConsent.purpose == ConsentPurpose.SENSITIVE.value, SeekerConsent.withdrawn_at.is_(None)
    )
    facts = await session.scalars(select(SeekerSensitive).where(SeekerSensitive.seeker_id.in_(consented)))
    rates: dict[str | None, Rate] = {None: Rate(everyone)}
    for record in facts:
        if record.seeker_id in everyone:
            for group in priority_groups(record):
                rates.setdefault(group, Rate()).seekers.add(record.seeker_id)
    placed_stmt = select(Placement.seeker_id).where(_in(Placement.placed_at, period)).distinct()
    placed = set((await session.scalars(placed_stmt)).all())
    for rate in rates.values():
        rate.placed = len(rate.seekers & placed)
    return rates


def rate_rows(rates: dict[str | None, Rate], below: int) -> list[dict[str, Any]]:
    rows = []
    for group in [None, *sorted(g for g in rates if g is not None)]:
        rate = rates[group]
        n, placed = len(rate.seekers), rate.placed
        hidden = present.suppressed(n, below) or present.suppressed(placed, below)
        rows.append(
            {
                "group": group,
                "group_name": "全部求职者" if group is None else GROUP_NAMES.get(group, group),
                "seekers": present.people(n, below),
                "placed": present.people(placed, below),
                "rate_pct": f"<{below}" if hidden else (round(placed / n * 100, 1) if n else None),
            }
        )
    return rows
