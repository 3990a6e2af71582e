"""The certification clock: 10 working days by the official schedule, holidays and 调休 included."""

from collections.abc import Callable
from datetime import date

import httpx
import pytest

from services.matching.cases import calendar
from tests.matching.cases.conftest import Headers, open_case, register

Token = Callable[..., Headers]


@pytest.mark.parametrize(
    ("requested", "due"),
    [
        # 2026: 国庆 Oct 1-7; Saturday Oct 10 is a working day (调休). Weekdays alone would say Oct 13.
        ("2026-09-29", "2026-10-19"),
        # 2025: 国庆+中秋 Oct 1-8; Sunday Sep 28 and Saturday Oct 11 are working days. Weekdays alone: Oct 10.
        ("2025-09-26", "2025-10-16"),
    ],
)
async def test_certification_is_due_ten_working_days_after_the_request_across_national_day(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers, requested: str, due: str
) -> None:
    await register(matching_client, token, "s-wang")

    case = await open_case(matching_client, staff, "s-wang", requested_on=requested)

    assert (case["certification_due"], case["certification_basis"]) == (due, "official_calendar")


def test_an_adjusted_working_saturday_counts_and_a_holiday_weekday_does_not() -> None:
    assert calendar.is_working_day(date(2026, 10, 10)) == (True, "official_calendar")
    assert calendar.is_working_day(date(2026, 10, 5)) == (False, "official_calendar")


def test_past_the_librarys_last_year_weekdays_less_fixed_holidays_are_used_and_said() -> None:
    year = calendar.LAST_KNOWN_YEAR + 1
    start = date(year, 12, 24)
    due, basis = calendar.add_working_days(start, 10)

    weekdays = [d for d in range(25, 32) if date(year, 12, d).weekday() < 5]
    rest = 10 - len(weekdays)
    expected = [d for d in (date(year + 1, 1, n) for n in range(2, 20)) if d.weekday() < 5][rest - 1]
    assert basis == "weekdays_only"
    assert due == expected  # 1 January is skipped though it is a weekday


async def test_a_late_certification_is_overdue_until_certified(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(matching_client, token, "s-wang")

    case = await open_case(matching_client, staff, "s-wang", requested_on="2026-09-29")
    certified = await matching_client.post(f"/v1/cases/{case['id']}/certify", headers=staff)

    assert "certification" in case["overdue"]  # long past 2026-10-19 by now
    assert certified.status_code == 200
    assert (certified.json()["status"], certified.json()["overdue"]) == ("active", [])
