"""How long what is kept about seekers is kept (env prefix MATCHING_PRIVACY__): docs/privacy.md."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PrivacySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_PRIVACY__", extra="ignore")

    # A profile with no activity for this long gets a notice ...
    inactive_days: int = Field(default=730, ge=30, le=3650)
    # ... and is erased this long after the notice unless the seeker becomes active again.
    notice_days: int = Field(default=30, ge=7, le=365)
    # The access log (seeker_audit), and the consent history of erased seekers, kept this long.
    audit_days: int = Field(default=1095, ge=180, le=3650)
    # Resolved retention notices (the record that a profile was erased or kept), kept this long.
    notice_keep_days: int = Field(default=1095, ge=30, le=3650)
    # Expired lookup grants (a station's temporary access), kept this long after they expire.
    grant_keep_days: int = Field(default=90, ge=1, le=3650)
    # An erased seeker's case skeleton (帮扶台账), kept this long after it closed; unset: kept until the
    # bureau's records schedule is set here.
    case_keep_days: int | None = Field(default=None, ge=365, le=36500)
    batch_size: int = Field(default=200, ge=1, le=5000)
    sweep_enabled: bool = True
    sweep_every_seconds: float = Field(default=3600.0, ge=1.0, le=7 * 86400.0)
    # Erasures passed on to the postings service (postings_erasures): tried this often, each failure
    # waiting twice as long as the last up to the cap, and this many per round.
    erasure_delivery_enabled: bool = True
    erasure_delivery_every_seconds: float = Field(default=30.0, ge=1.0, le=86400.0)
    erasure_retry_max_seconds: float = Field(default=3600.0, ge=1.0, le=86400.0)
    erasure_delivery_batch: int = Field(default=50, ge=1, le=1000)
    # At most this many applications and engagements fetched from the postings service per export.
    export_postings_limit: int = Field(default=1000, ge=1, le=10000)


@lru_cache
def get_privacy_settings() -> PrivacySettings:
    return PrivacySettings()
