"""The seekers part's own settings: the secret its field encryption and ID-number HMAC derive from."""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# DEVELOPMENT ONLY. Anyone with the source can decrypt what is encrypted under this key; production
# sets MATCHING_SEEKERS__ID_KEY to a long random secret (e.g. `openssl rand -base64 48`).
DEV_ID_KEY = "DEV-ONLY-lingong-seekers-id-key-NOT-FOR-PRODUCTION-0123456789"


class SeekersSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_SEEKERS__", extra="ignore")

    id_key: SecretStr = Field(default=SecretStr(DEV_ID_KEY), min_length=32)
    # How long an exact lookup (phone, ID number) opens a seeker from elsewhere to the station.
    lookup_grant_hours: int = Field(default=8, ge=1, le=24 * 7)

    @property
    def uses_dev_key(self) -> bool:
        return self.id_key.get_secret_value() == DEV_ID_KEY


@lru_cache
def get_seekers_settings() -> SeekersSettings:
    return SeekersSettings()
