"""How the matching service writes to the postings service for staff (env prefix MATCHING_REFERRALS__)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReferralSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_REFERRALS__", extra="ignore")

    connect_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    read_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    max_attempts: int = Field(default=3, ge=1, le=10)  # per call; every attempt sends the same key
    backoff_seconds: float = Field(default=0.2, ge=0, le=10)
    # A twin request with the same key still running there (a double click): wait for its answer.
    in_progress_poll_seconds: float = Field(default=0.1, gt=0, le=5)
    in_progress_wait_seconds: float = Field(default=15.0, gt=0, le=120)


@lru_cache
def get_referral_settings() -> ReferralSettings:
    return ReferralSettings()
