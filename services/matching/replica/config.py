"""The replica's own settings (env prefix MATCHING_REPLICA__); the feed's address is MATCHING_POSTINGS_URL."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReplicaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_REPLICA__", extra="ignore")

    enabled: bool = True  # run the feed consumer in this process
    source: str = Field(default="postings", min_length=1, max_length=40, pattern=r"^[a-z0-9_.-]+$")
    page_size: int = Field(default=500, ge=1, le=10000)
    # Long-poll: the feed answers as soon as something commits, so a longer wait costs nothing.
    poll_wait_seconds: float = Field(default=20.0, ge=0, le=120)
    connect_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    read_timeout_seconds: float = Field(default=10.0, gt=0, le=300)  # on top of the poll wait
    max_attempts: int = Field(default=4, ge=1, le=20)  # per request, before the client gives up
    backoff_base_seconds: float = Field(default=0.2, gt=0, le=10)
    backoff_max_seconds: float = Field(default=30.0, gt=0, le=600)
    # jwks mode: the identity provider's token for this service (a local key mints its own).
    service_token: SecretStr | None = None
    service_subject: str = Field(default="matching", min_length=1, max_length=200)
    token_ttl_seconds: int = Field(default=3600, ge=120, le=24 * 3600)
    # Where the feed is read: the postings service's HTTP long poll, or the relay's JetStream stream.
    transport: Literal["http", "jetstream"] = "http"
    jetstream_url: str = Field(default="nats://127.0.0.1:4222", min_length=1, max_length=500)
    jetstream_stream: str = Field(default="LINGONG_FEED", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    jetstream_durable: str = Field(default="lingong-matching", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    jetstream_ack_wait_seconds: float = Field(default=30.0, ge=1, le=3600)  # > one page's transaction
    # A durable nobody has read for this long is removed by the server (pods that are gone, per-pod durables).
    jetstream_inactive_hours: float = Field(default=24.0, gt=0, le=24 * 365)


@lru_cache
def get_replica_settings() -> ReplicaSettings:
    return ReplicaSettings()
