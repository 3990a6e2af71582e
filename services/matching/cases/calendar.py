"""Working days in mainland China: public holidays and adjusted working days (调休) from `chinese_calendar`.

The library carries the State Council's schedule year by year (1.11.0, the newest on PyPI on
2026-12-06: 2004-2026). The State Council publishes the next year's schedule each November; until the
library has it, an operator can enter it (`MATCHING_CASES__CALENDAR__PUBLISHED`). For a year neither
knows, `MATCHING_CASES__CALENDAR__FALLBACK` says what happens: `weekdays_only` (default) counts Monday to
Friday less the fixed-date statutory holidays and marks the deadline **estimated** (`basis =
"weekdays_only"`), so a case can still open in January; `refuse` declines to compute one (409
`calendar_not_published`). An estimated deadline is computed again once the year becomes known
(`refresh_estimated`, at start).
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Literal

import chinese_calendar
from chinese_calendar import constants

log = logging.getLogger("lingong.cases")

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991
Basis = Literal["official_calendar", "configured_schedule", "weekdays_only"]
Fallback = Literal["weekdays_only", "refuse"]
LAST_KNOWN_YEAR: int = max(d.year for d in constants.holidays)
FIRST_KNOWN_YEAR: int = min(d.year for d in constants.holidays)
ESTIMATED: Basis = "weekdays_only"


# Statutory holidays on fixed solar dates (全国年节及纪念日放假办法, 2024): 元旦, 劳动节, 国庆节. The lunar
# ones and the adjusted days need the year's schedule, which the fallback cannot know.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


class CalendarNotPublished(Exception):
    """A working day was asked of a year no schedule covers, and the fallback is `refuse`."""

    def __init__(self, year: int) -> None:
        super().__init__(f"no holiday schedule for {year}")
        self.year = year


@dataclass(frozen=True, slots=True)
class Schedule:
    """The library's years, the operator's published years (holidays, adjusted working days), and what
    to do past both."""

    holidays: frozenset[date] = frozenset()  # days off in the configured years (weekdays included)
    workdays: frozenset[date] = frozenset()  # adjusted working days (调休) in the configured years
    years: frozenset[int] = field(default=frozenset())  # the configured years
    fallback: Fallback = "weekdays_only"

    @classmethod
    def configured(
        cls, published: Mapping[int, tuple[Iterable[date], Iterable[date]]], fallback: Fallback
    ) -> "Schedule":
        holidays = frozenset(d for days, _ in published.values() for d in days)
        workdays = frozenset(d for _, days in published.values() for d in days)
        return cls(holidays, workdays, frozenset(published), fallback)

    @property
    def last_known_year(self) -> int:
        return max([LAST_KNOWN_YEAR, *self.years])


DEFAULT = Schedule()


def china_date(when: datetime) -> date:
    return when.astimezone(CHINA).date()


def is_working_day(day: date, schedule: Schedule = DEFAULT) -> tuple[bool, Basis]:
    """Whether `day` is a working day, and from what: the library's schedule, the operator's, or (for a
    year neither knows) weekdays less the fixed holidays."""
    if FIRST_KNOWN_YEAR <= day.year <= LAST_KNOWN_YEAR:
        return bool(chinese_calendar.is_workday(day)), "official_calendar"
    if day.year in schedule.years:
        if day in schedule.workdays:
            return True, "configured_schedule"
        return day.weekday() < 5 and day not in schedule.holidays, "configured_schedule"
    if schedule.fallback == "refuse":
        raise CalendarNotPublished(day.year)
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS, ESTIMATED


def add_working_days(start: date, days: int, schedule: Schedule = DEFAULT) -> tuple[date, Basis]:
    """The `days`-th working day after `start` (the start day itself not counted), and its basis: the
    weakest of the days counted (an estimate anywhere makes the deadline an estimate)."""
    used: set[Basis] = set()
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        working, basis = is_working_day(day, schedule)
        used.add(basis)
        counted += working
    if ESTIMATED in used:
        log.warning(
            "deadline estimated on weekdays: no holiday schedule for its year yet",
            extra={"last_known_year": schedule.last_known_year, "year": day.year},
        )
        return day, ESTIMATED
    return day, "configured_schedule" if "configured_schedule" in used else "official_calendar"


def working_days_between(start: date, end: date, schedule: Schedule = DEFAULT) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    day, counted = start, 0
    while day < end:
        day += timedelta(days=1)
        counted += is_working_day(day, schedule)[0]
    return counted
