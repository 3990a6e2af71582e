"""The cases and households parts' settings (env prefix MATCHING_CASES__)."""

from functools import lru_cache
from typing import Annotated

from pydantic import Field, StringConstraints
from pydantic_settings import BaseSettings, SettingsConfigDict

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


class CasesSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MATCHING_CASES__", env_nested_delimiter="__", extra="ignore"
    )

    groups: tuple[str, ...] = DEFAULT_GROUPS
    certification_working_days: int = Field(default=10, ge=1, le=60)
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
