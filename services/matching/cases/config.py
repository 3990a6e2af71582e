"""The cases and households parts' settings (env prefix MATCHING_CASES__)."""

from datetime import date
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.matching.cases.calendar import Schedule

Adcode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
DEFAULT_GROUPS = (
    "older_worker",  # 大龄: women 40+, men 50+
    "disabled",  # 残疾人
    "long_term_unemployed",  # 长期失业 (≥ 12 months)
    "zero_employment_household",  # 零就业家庭成员
    "low_income",  # 低保家庭
    "poverty_alleviation",  # 脱贫劳动力 / 防返贫监测对象
    "veteran",  # 退役军人
    "unemployed_graduate",  # 离校未就业高校毕业生
)


class Minimums(BaseSettings):
    """What a plan must hold each period (一人一策): offers, guidance sessions, training leads."""

    period_days: int = Field(default=30, ge=7, le=366)
    job_offers: int = Field(default=3, ge=0, le=100)
    guidance: int = Field(default=1, ge=0, le=100)
    training_leads: int = Field(default=1, ge=0, le=100)


class PublishedYear(BaseModel):
    """A year's schedule as the State Council published it, for a year chinesecalendar does not know yet."""

    holidays: list[date] = Field(default_factory=list, max_length=60)  # days off, weekdays included
    workdays: list[date] = Field(default_factory=list, max_length=20)  # adjusted working days (调休)


class CalendarSettings(BaseModel):
    """What the certification clock knows beyond chinesecalendar (MATCHING_CASES__CALENDAR__*)."""

    # weekdays_only: Monday-Friday less 元旦, 1-2 May and 1-3 October, the deadline marked estimated;
    # refuse: no deadline is computed (409 calendar_not_published) for a year no schedule covers.
    fallback: Literal["weekdays_only", "refuse"] = "weekdays_only"
    published: dict[int, PublishedYear] = Field(default_factory=dict, max_length=10)

    @model_validator(mode="after")
    def _days_in_their_year(self) -> "CalendarSettings":
        for year, days in self.published.items():
            if any(d.year != year for d in (*days.holidays, *days.workdays)):
                raise ValueError(f"calendar.published[{year}] lists a day of another year")
        return self

    def schedule(self) -> Schedule:
        published = {y: (d.holidays, d.workdays) for y, d in self.published.items()}
        return Schedule.configured(published, self.fallback)


class CasesSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MATCHING_CASES__", env_nested_delimiter="__", extra="ignore"
    )

    groups: tuple[str, ...] = DEFAULT_GROUPS
    certification_working_days: int = Field(default=10, ge=1, le=60)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    aftercare_months: int = Field(default=3, ge=1, le=24)
    minimums: Minimums = Field(default_factory=Minimums)
    declines_to_close: int = Field(default=3, ge=1, le=20)  # declined services … in `declines_months`
    declines_months: int = Field(default=6, ge=1, le=24)
    # Staff tokens may carry a `county_adcode` claim; where they do not, the station's county is read here.
    station_counties: dict[str, Adcode] = Field(default_factory=dict, max_length=10000)
    zero_alert_days: int = Field(default=30, ge=1, le=366)  # households at zero longer raise an alert
    alert_every_seconds: float = Field(default=300.0, gt=0, le=86400)
    working_age_min: int = Field(default=16, ge=16, le=30)
    working_age_max: int = Field(default=60, ge=40, le=70)


@lru_cache
def get_cases_settings() -> CasesSettings:
    return CasesSettings()
