"""Matching service settings (env prefix MATCHING_)."""

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from services.kit.settings import ServiceSettings


class MatchingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_", env_nested_delimiter="__", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/matching.db"
    postings_url: str = "http://127.0.0.1:8001"
    # Matching checks connections out several times a request: a ping at every checkout was a round trip
    # on each (docs/load.md, "CPU per request").
    database_ping_after_idle_seconds: float = 10.0


@lru_cache
def get_settings() -> MatchingSettings:
    return MatchingSettings()
