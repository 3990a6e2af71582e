"""ISO weeks in Beijing time, written `2026-W49`: the period every weekly figure belongs to."""

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))
WEEK_PATTERN = r"^\d{4}-W\d{2}$"
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_of(moment: datetime) -> str:
    """The ISO week a moment falls in, on the Beijing calendar."""
    year, week, _ = moment.astimezone(BEIJING).isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str) -> date:
    """The Monday of an ISO week; ValueError for a week that does not exist (2026-W54)."""
    match = _WEEK.match(value)
    if match is None:
        raise ValueError("a week is written YYYY-Www")
    return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)


def previous_week(week: str) -> str:
    monday = parse_week(week) - timedelta(days=7)
    return week_of(datetime.combine(monday, time(12), BEIJING))


def week_start(week: str) -> datetime:
    """Monday 00:00 Beijing time of the week, in UTC."""
    return datetime.combine(parse_week(week), time(0), BEIJING).astimezone(UTC)
