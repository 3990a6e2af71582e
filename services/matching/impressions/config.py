"""Impression logging settings (env prefix MATCHING_IMPRESSIONS__).

Tests may set `app.state.impression_settings` before the lifespan runs.
"""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ImpressionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_IMPRESSIONS__", extra="ignore")

    enabled: bool = True
    # Rows held in memory waiting for the writer; past this, new impressions are dropped and counted
    # (`matching_impressions_dropped_total`) rather than slowing or failing a response.
    buffer_max: int = Field(default=50_000, ge=1, le=10_000_000)
    # How often the background writer inserts what the buffer holds, and at most how many rows a time.
    flush_seconds: float = Field(default=1.0, gt=0, le=3600)
    batch_rows: int = Field(default=5_000, ge=1, le=100_000)
    # How long impressions are kept. The retention sweep (privacy) deletes older ones with
    # `services.matching.impressions.service.delete_impressions_before(session, now - retention)`.
    retention_days: int = Field(default=180, ge=1, le=3650)


@lru_cache
def get_impression_settings() -> ImpressionSettings:
    return ImpressionSettings()
