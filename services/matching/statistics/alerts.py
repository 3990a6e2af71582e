"""Early warning (就业失业监测预警): documented signals, each raised yellow, orange or red when its figure
reaches the configured threshold, with the numbers behind it (docs/statistics.md)."""

import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select

from services.kit.clock import as_utc
from services.matching.replica.models import ReplicaEmployer
from services.matching.seekers.models import Seeker
from services.matching.statistics import present, supply
from services.matching.statistics.config import Thresholds
from services.matching.statistics.deps import Reading
from services.matching.statistics.models import UNCLASSIFIED, StatDispute
from services.matching.statistics.supply import ALL, Cell
from services.matching.statistics.weeks import previous_week, week_of


class Signal(StrEnum):
    RATIO_DROP = "ratio_drop"
    LAYOFF_SURGE = "layoff_surge"
    DISPUTE_RISE = "dispute_rise"
    POSTINGS_COLLAPSE = "postings_collapse"


class Level(StrEnum):
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"


SIGNAL_NAMES = {
    Signal.RATIO_DROP: "求人倍率周环比下降",
    Signal.LAYOFF_SURGE: "同一原单位新登记求职人员激增",
    Signal.DISPUTE_RISE: "欠薪争议增多",
    Signal.POSTINGS_COLLAPSE: "职业岗位数骤减",
}
LEVEL_NAMES = {Level.YELLOW: "黄色", Level.ORANGE: "橙色", Level.RED: "红色"}
SEVERITY = {Level.RED: 0, Level.ORANGE: 1, Level.YELLOW: 2}


@dataclass(slots=True)
class Alert:
    signal: Signal
    level: Level
    county: str | None  # None: several counties, or the whole area
    subject: str | None  # an occupation group, or an employer's name
    subject_name: str | None
    previous: float | None
    current: float
    change_pct: float | None  # signed: a fall is negative
    threshold: float  # the level's threshold the figure reached
    people: bool = False  # previous / current count people: suppressed below five


def level_for(value: float, thresholds: Thresholds) -> tuple[Level, float] | None:
    for level in (Level.RED, Level.ORANGE, Level.YELLOW):
        limit = float(getattr(thresholds, level.value))
        if value >= limit:
            return level, limit
    return None


def _fall_pct(before: float, now: float) -> float:
    return (before - now) / before * 100.0


def ratio_drops(reading: Reading, now: list[Cell], before: list[Cell]) -> list[Alert]:
    """A county whose 求人倍率 fell by the threshold or more since last week's snapshot."""
    settings, out = reading.settings, []
    floor = settings.ratio_drop_min_seekers
    current, previous = supply.totals(now), supply.totals(before)
    for county, cell in current.items():
        last = previous.get(county)
        if last is None or last.seekers < floor or cell.seekers < floor or last.vacancies == 0:
            continue
        was, is_ = last.vacancies / last.seekers, cell.vacancies / cell.seekers
        fall = _fall_pct(was, is_)
        hit = level_for(fall, settings.ratio_drop_pct)
        if hit:
            out.append(
                Alert(
                    Signal.RATIO_DROP,
                    hit[0],
                    county,
                    None,
                    "全部职业",
                    round(was, 2),
                    round(is_, 2),
                    round(-fall, 1),
                    hit[1],
                )
            )
    return out


def postings_collapses(reading: Reading, now: list[Cell], before: list[Cell]) -> list[Alert]:
    """An occupation group in a county whose open postings fell by the threshold or more in a week."""
    settings, out = reading.settings, []
    current = {(c.county, c.group): c.postings for c in now}
    for cell in before:
        if cell.group in (ALL, UNCLASSIFIED) or cell.postings < settings.postings_collapse_min_postings:
            continue
        is_ = current.get((cell.county, cell.group), 0)
        fall = _fall_pct(cell.postings, is_)
        hit = level_for(fall, settings.postings_collapse_pct)
        if hit:
            name = present.group_name(cell.group)
            out.append(
                Alert(
                    Signal.POSTINGS_COLLAPSE,
                    hit[0],
                    cell.county,
                    cell.group,
                    name,
                    cell.postings,
                    is_,
                    round(-fall, 1),
                    hit[1],
                )
            )
    return out


def employer_key(name: str) -> str:
    """Names written differently for the same employer group together: width, case, spaces, brackets."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "()（）[]【】·.,，")


async def layoff_surges(reading: Reading, at: datetime) -> list[Alert]:
    """Seekers registered in the window naming the same former employer (a layoff signal)."""
    settings = reading.settings
    window = timedelta(days=settings.layoff_window_days)
    stmt = select(Seeker.former_employer, Seeker.county_adcode, Seeker.created_at).where(
        Seeker.former_employer.is_not(None), Seeker.created_at >= at - 2 * window
    )
    if reading.area is not None:
        stmt = stmt.where(Seeker.county_adcode.in_(sorted(reading.area)))
    now_n: Counter[str] = Counter()
    before_n: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    counties: dict[str, set[str]] = defaultdict(set)
    for name, county, created in await reading.session.execute(stmt):
        key = employer_key(str(name))
        if as_utc(created) >= at - window:
            now_n[key] += 1
            spellings[key][str(name)] += 1
            counties[key].add(county)
        else:
            before_n[key] += 1
    out = []
    for key, count in now_n.items():
        hit = level_for(count, settings.layoff_new_seekers)
        if hit:
            where = next(iter(counties[key])) if len(counties[key]) == 1 else None
            shown = spellings[key].most_common(1)[0][0]
            change = _change(before_n[key], count)
            out.append(
                Alert(
                    Signal.LAYOFF_SURGE,
                    hit[0],
                    where,
                    shown,
                    shown,
                    before_n[key],
                    count,
                    change,
                    hit[1],
                    people=True,
                )
            )
    return out


async def dispute_rises(reading: Reading, at: datetime) -> list[Alert]:
    """Unpaid-wage disputes opened in the window, by county and by employer, more than the window before.

    Disputes staff found unfounded do not count (the wage had been paid)."""
    settings = reading.settings
    window = timedelta(days=settings.dispute_window_days)
    stmt = select(StatDispute.county_adcode, StatDispute.employer_id, StatDispute.opened_at).where(
        StatDispute.opened_at >= at - 2 * window,
        StatDispute.opened_at < at,
        or_(StatDispute.resolution.is_(None), StatDispute.resolution != "unfounded"),
    )
    if reading.area is not None:
        stmt = stmt.where(StatDispute.county_adcode.in_(sorted(reading.area)))
    now_n: Counter[tuple[str, str]] = Counter()
    before_n: Counter[tuple[str, str]] = Counter()
    for county, employer, opened in await reading.session.execute(stmt):
        recent = as_utc(opened) >= at - window
        for bucket in (("county", county), ("employer", str(employer))):
            (now_n if recent else before_n)[bucket] += 1
    names = await _employer_names(reading, [k for what, k in now_n if what == "employer"])
    out = []
    for (what, key), count in now_n.items():
        hit = level_for(count, settings.dispute_rise)
        if hit and count > before_n[(what, key)]:
            where = key if what == "county" else None
            name = present.county_name(key) if what == "county" else names.get(key, key)
            out.append(
                Alert(
                    Signal.DISPUTE_RISE,
                    hit[0],
                    where,
                    None if what == "county" else key,
                    name,
                    before_n[(what, key)],
                    count,
                    _change(before_n[(what, key)], count),
                    hit[1],
                    people=True,
                )
            )
    return out


async def _employer_names(reading: Reading, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    stmt = select(ReplicaEmployer.id, ReplicaEmployer.name).where(
        ReplicaEmployer.id.in_([uuid.UUID(i) for i in ids])
    )
    return {str(i): n for i, n in await reading.session.execute(stmt)}


def _change(before: float, now: float) -> float | None:
    return None if before == 0 else round((now - before) / before * 100.0, 1)


async def alerts(reading: Reading) -> list[Alert]:
    """Every signal raised now in the reader's area, the most severe first."""
    at = reading.clock.now()
    now_cells = await supply.live(reading.session, at, 2, reading.area)
    before = await supply.recorded(reading.session, previous_week(week_of(at)), 2, reading.area) or []
    found = [
        *ratio_drops(reading, now_cells, before),
        *postings_collapses(reading, now_cells, before),
        *await layoff_surges(reading, at),
        *await dispute_rises(reading, at),
    ]
    return sorted(found, key=lambda a: (SEVERITY[a.level], a.signal.value, a.county or "", a.subject or ""))


def alert_row(alert: Alert, below: int) -> dict[str, Any]:
    def figure(value: float | None) -> float | str | None:
        if value is None or not alert.people:
            return value
        return present.people(int(value), below)

    hidden = alert.people and alert.previous is not None and present.suppressed(int(alert.previous), below)
    return {
        "signal": alert.signal.value,
        "signal_name": SIGNAL_NAMES[alert.signal],
        "level": alert.level.value,
        "level_name": LEVEL_NAMES[alert.level],
        "county_adcode": alert.county,
        "county_name": present.county_name(alert.county),
        "subject": alert.subject,
        "subject_name": alert.subject_name,
        "previous": figure(alert.previous),
        "current": figure(alert.current),
        "change_pct": f"<{below}" if hidden else alert.change_pct,
        "threshold": alert.threshold,
    }


def alert_rows(found: Iterable[Alert], below: int) -> list[dict[str, Any]]:
    return [alert_row(a, below) for a in found]
