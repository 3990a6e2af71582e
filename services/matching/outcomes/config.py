"""The outcomes part's settings (env prefix MATCHING_OUTCOMES__)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OutcomeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_OUTCOMES__", extra="ignore")

    # A paid gig counts as being in work (灵活就业) this many days after its shift ends.
    gig_work_days: int = Field(default=30, ge=0, le=366)
    sweep_every_seconds: float = Field(default=60.0, gt=0, le=3600)
    sweep_enabled: bool = True


@lru_cache
def get_outcome_settings() -> OutcomeSettings:
    return OutcomeSettings()
