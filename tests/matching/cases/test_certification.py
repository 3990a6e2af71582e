"""The certification clock: 10 working days by the official schedule, holidays and 调休 included."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from services.kit.clock import ManualClock
from services.kit.uow import unit_of_work
from services.matching.cases import calendar, service
from services.matching.cases.config import CalendarSettings, CasesSettings
from tests.matching.cases.conftest import Headers, case_body, open_case, register

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


# --- Past the library's last year: every date below is relative to calendar.LAST_KNOWN_YEAR ------------

NEXT = calendar.LAST_KNOWN_YEAR + 1  # the first year chinesecalendar does not know


def weekdays_after(start: date, n: int) -> date:
    """The n-th Monday-Friday after start, as the fallback counts them (no fixed holiday in January
    after the 1st, nor in the span used below)."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += day.weekday() < 5 and (day.month, day.day) != (1, 1)
    return day


def national_day_schedule() -> CalendarSettings:
    """What the State Council might publish for NEXT: 国庆 1-7 October, the Saturday after it worked."""
    holidays = [date(NEXT, 10, d) for d in range(1, 8)]
    saturday = next(d for d in (date(NEXT, 10, n) for n in range(8, 15)) if d.weekday() == 5)
    return CalendarSettings.model_validate(
        {"published": {NEXT: {"holidays": holidays, "workdays": [saturday]}}}
    )


def test_a_year_entered_in_settings_is_counted_as_published() -> None:
    schedule = national_day_schedule().schedule()
    saturday = next(iter(schedule.workdays))
    assert calendar.is_working_day(date(NEXT, 10, 5), schedule) == (False, "configured_schedule")
    assert calendar.is_working_day(saturday, schedule) == (True, "configured_schedule")
    due, basis = calendar.add_working_days(date(NEXT, 9, 29), 10, schedule)
    # by hand: a day counts when it is the worked Saturday, or a weekday outside 1-7 October
    days = (date(NEXT, 9, 29) + timedelta(days=n) for n in range(1, 40))
    expected = [d for d in days if d == saturday or (d.weekday() < 5 and d not in schedule.holidays)]
    assert (due, basis) == (expected[9], "configured_schedule")


def test_the_refuse_fallback_computes_no_deadline_for_an_unknown_year() -> None:
    schedule = calendar.Schedule(fallback="refuse")
    with pytest.raises(calendar.CalendarNotPublished):
        calendar.add_working_days(date(NEXT, 1, 5), 10, schedule)
    assert calendar.add_working_days(date(NEXT - 1, 6, 1), 3, schedule)[1] == "official_calendar"


async def test_a_case_past_the_calendar_shows_its_deadline_as_estimated(
    matching_client: httpx.AsyncClient, token: Token, staff: Headers, clock: ManualClock
) -> None:
    clock.set(datetime(NEXT, 1, 8, 2, 0, tzinfo=UTC))
    await register(matching_client, token, "s-wang")

    case = await open_case(matching_client, staff, "s-wang", requested_on=f"{NEXT}-01-05")
    plan = await matching_client.get("/v1/seekers/s-wang/case", headers=token("seeker", "s-wang"))

    assert case["certification_due"] == weekdays_after(date(NEXT, 1, 5), 10).isoformat()
    assert (case["certification_basis"], case["certification_due_estimated"]) == ("weekdays_only", True)
    assert plan.json()["certification_due_estimated"] is True


async def test_a_year_entered_in_settings_makes_the_deadline_firm_and_refreshes_estimates(
    matching_app: FastAPI,
    matching_client: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    clock.set(datetime(NEXT, 9, 30, 2, 0, tzinfo=UTC))
    await register(matching_client, token, "s-wang")
    estimated = await open_case(matching_client, staff, "s-wang", requested_on=f"{NEXT}-09-29")
    assert estimated["certification_due_estimated"] is True

    settings = CasesSettings(calendar=national_day_schedule())
    matching_app.state.cases_settings = settings
    async with unit_of_work(matching_app.state.sessionmaker) as session:
        assert await service.refresh_estimated(session, settings) == 1
    case = (await matching_client.get(f"/v1/cases/{estimated['id']}", headers=staff)).json()

    expected, _ = calendar.add_working_days(date(NEXT, 9, 29), 10, settings.calendar.schedule())
    assert (case["certification_due"], case["certification_basis"]) == (
        expected.isoformat(),
        "configured_schedule",
    )
    assert case["certification_due_estimated"] is False
    assert expected > date.fromisoformat(estimated["certification_due"])  # 国庆 moved it later


async def test_with_the_refuse_fallback_a_case_past_the_calendar_is_409(
    matching_app: FastAPI,
    matching_client: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    clock.set(datetime(NEXT, 1, 8, 2, 0, tzinfo=UTC))
    matching_app.state.cases_settings = CasesSettings.model_validate({"calendar": {"fallback": "refuse"}})
    await register(matching_client, token, "s-wang")

    r = await matching_client.post(
        "/v1/cases", json=case_body("s-wang", requested_on=f"{NEXT}-01-05"), headers=staff
    )

    assert r.status_code == 409
    assert (r.json()["code"], r.json()["year"]) == ("calendar_not_published", NEXT)


def test_a_published_year_listing_a_day_of_another_year_is_refused() -> None:
    with pytest.raises(ValidationError):
        CalendarSettings.model_validate({"published": {NEXT: {"holidays": [date(NEXT + 1, 1, 1)]}}})
