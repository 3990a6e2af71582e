"""Working days in mainland China: public holidays and adjusted working days (调休) from `chinese_calendar`.

The library carries the State Council's schedule year by year (1.11.0: 2004-2026). For a date in a year
it does not know we fall back to Monday-Friday less the fixed-date statutory holidays, and say so
(`basis = "weekdays_only"`): a case must still open in January before the library is updated, so the
deadline is shown as provisional rather than refused. Upgrade `chinesecalendar` each December.
"""

import logging
from datetime import date, datetime, timedelta, timezone
from typing import Literal

import chinese_calendar
from chinese_calendar import constants

log = logging.getLogger("lingong.cases")

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991
Basis = Literal["official_calendar", "weekdays_only"]
LAST_KNOWN_YEAR = max(d.year for d in constants.holidays)
FIRST_KNOWN_YEAR = min(d.year for d in constants.holidays)


# Statutory holidays on fixed solar dates (全国年节及纪念日放假办法, 2024): 元旦, 劳动节, 国庆节. The lunar
# ones and the adjusted days need the year's schedule, which the fallback cannot know.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


def china_date(when: datetime) -> date:
    return when.astimezone(CHINA).date()


def is_working_day(day: date) -> tuple[bool, Basis]:
    """Whether `day` is a working day, and from what: the official schedule or weekdays alone."""
    if FIRST_KNOWN_YEAR <= day.year <= LAST_KNOWN_YEAR:
        return bool(chinese_calendar.is_workday(day)), "official_calendar"
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS, "weekdays_only"


def add_working_days(start: date, days: int) -> tuple[date, Basis]:
    """The `days`-th working day after `start` (the start day itself not counted)."""
    basis: Basis = "official_calendar"
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        working, used = is_working_day(day)
        if used == "weekdays_only":
            basis = "weekdays_only"
        counted += working
    if basis == "weekdays_only":
        log.warning(
            "working days counted on weekdays alone: chinesecalendar knows no later year",
            extra={"last_known_year": LAST_KNOWN_YEAR},
        )
    return day, basis


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    day, counted = start, 0
    while day < end:
        day += timedelta(days=1)
        counted += is_working_day(day)[0]
    return counted
