"""The dispatch's settings (env prefix MATCHING_DISPATCH__)."""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# DEVELOPMENT ONLY: production sets MATCHING_DISPATCH__CHECKIN_SECRET to a long random secret.
DEV_CHECKIN_SECRET = "DEV-ONLY-lingong-dispatch-checkin-secret-NOT-FOR-PRODUCTION"


class DispatchSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_DISPATCH__", extra="ignore")

    # Signs each station's check-in code of the day, so a check-in needs today's code from the station.
    checkin_secret: SecretStr = Field(default=SecretStr(DEV_CHECKIN_SECRET), min_length=32)
    # What the station's check-in QR code opens (the mobile client): this URL, the station id, the code.
    checkin_base_url: str = Field(default="https://jobs.example.org/checkin/", min_length=8, max_length=200)


@lru_cache
def get_dispatch_settings() -> DispatchSettings:
    return DispatchSettings()
