"""Postings service settings (env prefix POSTINGS_)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.kit.settings import ServiceSettings


class PostingsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POSTINGS_", env_nested_delimiter="__", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/postings.db"
    max_shifts_per_posting: int = Field(default=60, ge=1, le=500)
    shift_horizon_days: int = Field(default=90, ge=1, le=366)
    feed_max_wait_seconds: float = Field(default=30.0, ge=0, le=120)
    feed_page_max: int = Field(default=1000, ge=1, le=10000)
    expiry_sweep_seconds: float = Field(default=60.0, ge=1)
    import_max_rows: int = Field(default=200_000, ge=1)
    minimum_wage_file: Path | None = None


@lru_cache
def get_settings() -> PostingsSettings:
    return PostingsSettings()
