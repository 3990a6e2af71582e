"""Postings service settings (env prefix POSTINGS_)."""

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, StringConstraints
from pydantic_settings import SettingsConfigDict

from services.kit.settings import ServiceSettings
from services.postings.relay.config import RelaySettings

DEV_CODE_SECRET = "lingong-embedded-dev-checkin-code-secret-change-me"

Adcode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]


class LifecycleSettings(BaseModel):
    """The gig lifecycle's policies: presence, deadlines, notice, pay, code attempts, notifications."""

    geofence_m: int = Field(default=300, ge=50, le=5000)
    checkin_opens_minutes: int = Field(default=60, ge=0, le=24 * 60)
    grace_minutes: int = Field(default=20, ge=1, le=240)
    offer_checkin_minutes: int = Field(default=60, ge=5, le=24 * 60)
    auto_checkout_hours: float = Field(default=2, ge=0, le=48)
    auto_confirm_hours: float = Field(default=24, ge=1, le=24 * 14)
    payment_due_hours: float = Field(default=24, ge=0, le=24 * 60)
    employer_late_cancel_hours: float = Field(default=24, ge=0, le=24 * 14)
    cancellation_pay_hours: Decimal = Field(default=Decimal(4), ge=0, le=24)
    worker_late_cancel_hours: float = Field(default=12, ge=0, le=24 * 14)
    code_secret: SecretStr = SecretStr(DEV_CODE_SECRET)
    code_seconds: int = Field(default=300, ge=30, le=3600)
    code_max_failures: int = Field(default=5, ge=1, le=100)
    code_failure_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    notify_per_hour: int = Field(default=5, ge=1, le=1000)
    notify_max_attempts: int = Field(default=5, ge=1, le=50)
    notify_batch: int = Field(default=100, ge=1, le=10000)
    notify_every_seconds: float = Field(default=5, ge=0.1)
    sweep_seconds: float = Field(default=30, ge=1)
    # Staff tokens may carry a `county_adcode` claim; where they do not, the station's county is read here.
    station_counties: dict[str, Adcode] = Field(default_factory=dict, max_length=10000)


class ErasureSettings(BaseModel):
    """A seeker's erasure (docs/privacy.md §7): wage and dispute records keep the seeker id this long after
    the work, its payment or the dispute's resolution (工资支付暂行规定 第六条: at least two years), then
    the background sweep replaces it with the pseudonym."""

    wage_keep_days: int = Field(default=730, ge=730, le=3650)
    sweep_seconds: float = Field(default=3600.0, ge=1, le=7 * 86400.0)
    batch_size: int = Field(default=100, ge=1, le=5000)


class MatchingPeerSettings(BaseModel):
    """How the postings service asks the matching service whether a member of staff reaches a seeker
    (env POSTINGS_MATCHING__URL, …): staff act only for the seekers matching says they reach."""

    url: str = Field(default="http://127.0.0.1:8002", pattern=r"^https?://", max_length=500)
    # jwks mode: the identity provider's token for this service (a local key mints its own).
    service_token: SecretStr | None = None
    service_subject: str = Field(default="postings", min_length=1, max_length=200)
    token_ttl_seconds: int = Field(default=3600, ge=120, le=24 * 3600)
    connect_timeout_seconds: float = Field(default=1.0, gt=0, le=30)
    read_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # A "reaches" answer is kept this long (a "does not reach" never is: a lookup may open the seeker).
    reach_cache_seconds: float = Field(default=30.0, ge=0, le=600)
    reach_cache_size: int = Field(default=10_000, ge=1, le=1_000_000)


class PostingsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POSTINGS_", env_nested_delimiter="__", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/postings.db"
    max_shifts_per_posting: int = Field(default=60, ge=1, le=500)
    shift_horizon_days: int = Field(default=90, ge=1, le=366)
    feed_max_wait_seconds: float = Field(default=30.0, ge=0, le=120)
    feed_page_max: int = Field(default=1000, ge=1, le=10000)
    expiry_sweep_seconds: float = Field(default=60.0, ge=1)
    # PostgreSQL: the outbox's and the engagements' monthly partitions made ahead of time, checked this
    # often (shifts further ahead than this wait in the default partition until their month is made).
    outbox_partition_months_ahead: int = Field(default=3, ge=1, le=24)
    outbox_partition_check_seconds: float = Field(default=6 * 3600, ge=1)
    import_max_rows: int = Field(default=200_000, ge=1)
    minimum_wage_file: Path | None = None
    lifecycle: LifecycleSettings = LifecycleSettings()
    relay: RelaySettings = RelaySettings()
    erasure: ErasureSettings = ErasureSettings()
    matching: MatchingPeerSettings = MatchingPeerSettings()


@lru_cache
def get_settings() -> PostingsSettings:
    return PostingsSettings()
