"""Serving settings (env prefix MATCHING_SERVING__) and the FA*IR parameters (MATCHING_FAIRNESS__).

Tests may set `app.state.serving_settings` and `app.state.fairness_settings` before the lifespan runs.
"""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_SERVING__", extra="ignore")

    # Seconds a client is told to wait (Retry-After) while the engine is still loading.
    retry_after_seconds: int = Field(default=5, ge=1, le=300)
    # If the occupation coder is not loaded this long after start, a lexical-only index serves the
    # non-personalised list meanwhile (it costs a second pass over the replica).
    warming_after_seconds: float = Field(default=2.0, ge=0, le=3600)
    # Replica rows read per query while loading (keyset pages on the posting id).
    load_page_size: int = Field(default=5000, ge=100, le=100_000)
    # Without a feed consumer in this process (MATCHING_REPLICA__ENABLED=false: another process runs
    # it), how often the replica tables are read for what that process applied.
    replica_poll_seconds: float = Field(default=1.0, gt=0, le=600)
    # Seekers changed since the candidate pool was built before it is rebuilt in one go.
    pool_delta_max: int = Field(default=2000, ge=1, le=1_000_000)
    # How long the seeker change journal keeps entries, and how often old ones are pruned.
    journal_retention_hours: float = Field(default=72.0, gt=0, le=24 * 365)
    maintenance_seconds: float = Field(default=3600.0, gt=0, le=7 * 24 * 3600)
    # One copy of the posting index for every process on a host (docs/load.md, part 2): a directory
    # where the process running the feed consumer publishes index generations and the others map them.
    # Empty: every process builds and holds its own index (the embedded default).
    shared_index_dir: str = Field(default="", max_length=4096)
    # The publisher writes a new generation at most this often when postings changed ...
    generation_seconds: float = Field(default=30.0, gt=0, le=24 * 3600)
    # ... and sooner once this many posting changes were applied since the last one.
    generation_changes: int = Field(default=2000, ge=1, le=10_000_000)
    # Whether the publisher builds the first generation itself; false: another process does (the
    # matching pool's builder, `services/workers.py`, whose memory is all returned when it exits).
    build_first_generation: bool = True


class FairnessSettings(BaseSettings):
    """FA*IR on employers' candidate lists: every prefix holds at least the share `p` of priority-group
    members that a fair lottery would give with probability 1 - `alpha` (α adjusted for k prefixes)."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_FAIRNESS__", extra="ignore")

    p: float = Field(default=0.3, gt=0, lt=1)
    alpha: float = Field(default=0.1, gt=0, lt=1)
    adjust: bool = True


class LtrSettings(BaseSettings):
    """The learned ranker (docs/ranking.md, "Learning from outcomes"): off unless switched on, and then
    only with a model file whose metadata says it beat the hand-set weights offline."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_LTR__", extra="ignore")

    enabled: bool = False
    model_path: str = "var/models/ltr/current.txt"
    # How many of the hand-set pipeline's best eligible postings (or candidates) it re-orders.
    shortlist: int = Field(default=50, ge=1, le=1000)


@lru_cache
def get_ltr_settings() -> LtrSettings:
    return LtrSettings()


@lru_cache
def get_serving_settings() -> ServingSettings:
    return ServingSettings()


@lru_cache
def get_fairness_settings() -> FairnessSettings:
    return FairnessSettings()
