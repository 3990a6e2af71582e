"""Statistics settings (env prefix MATCHING_STATISTICS__): suppression, snapshots, alert thresholds.

Tests may set `app.state.statistics_settings` before the lifespan runs.
"""

from functools import lru_cache
from typing import Annotated, Self

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Percent = Annotated[float, Field(gt=0, le=100)]
Count = Annotated[int, Field(ge=1, le=1_000_000)]


class Thresholds(BaseModel):
    """The yellow, orange and red levels of one signal, rising: a figure at or past one raises it."""

    yellow: float = Field(gt=0)
    orange: float = Field(gt=0)
    red: float = Field(gt=0)

    @model_validator(mode="after")
    def _rising(self) -> Self:
        if not self.yellow <= self.orange <= self.red:
            raise ValueError("thresholds must rise: yellow <= orange <= red")
        return self


class StatisticsSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MATCHING_STATISTICS__", env_nested_delimiter="__", extra="ignore"
    )

    # A cell describing fewer people than this is shown as "<5" (the number is the bound).
    suppress_below: Annotated[int, Field(ge=2, le=100)] = 5
    # How often the posting facts catch up with the replica and this week's snapshot is rewritten.
    snapshot_seconds: Annotated[float, Field(gt=0, le=24 * 3600)] = 300.0
    # Replica rows a request derives itself before answering; past it the periodic task catches up.
    catch_up_on_read: Annotated[int, Field(ge=0, le=1_000_000)] = 20_000
    # Station id -> county adcode, for staff tokens without a `county_adcode` claim.
    station_counties: dict[str, Annotated[str, Field(pattern=r"^\d{6}$")]] = {}
    # Early-warning signals (docs/statistics.md).
    ratio_drop_pct: Thresholds = Thresholds(yellow=20, orange=35, red=50)
    ratio_drop_min_seekers: Count = 20
    layoff_new_seekers: Thresholds = Thresholds(yellow=10, orange=30, red=100)
    layoff_window_days: Annotated[int, Field(ge=1, le=90)] = 7
    dispute_rise: Thresholds = Thresholds(yellow=5, orange=10, red=20)
    dispute_window_days: Annotated[int, Field(ge=1, le=90)] = 7
    postings_collapse_pct: Thresholds = Thresholds(yellow=30, orange=50, red=70)
    postings_collapse_min_postings: Count = 20


@lru_cache
def get_statistics_settings() -> StatisticsSettings:
    return StatisticsSettings()
