"""The console's settings (env prefix MATCHING_CONSOLE__)."""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# DEVELOPMENT ONLY: production sets MATCHING_CONSOLE__CSRF_SECRET to a long random secret.
DEV_CSRF_SECRET = "DEV-ONLY-lingong-console-csrf-secret-NOT-FOR-PRODUCTION"


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_CONSOLE__", extra="ignore")

    csrf_secret: SecretStr = Field(default=SecretStr(DEV_CSRF_SECRET), min_length=32)
    secure_cookies: bool = False  # true behind HTTPS (production)
    # What a posting's QR code opens: this base URL followed by the posting id.
    public_base_url: str = Field(default="https://jobs.example.org/p/", min_length=8, max_length=200)
    # The staff member the "演示登录" button signs in as (only while dev tokens are enabled).
    demo_sub: str = "demo-staff"
    demo_station: str = "st-001"
    demo_county: str = Field(default="370102", pattern=r"^\d{6}$")
    session_hours: int = Field(default=12, ge=1, le=24)


@lru_cache
def get_console_settings() -> ConsoleSettings:
    return ConsoleSettings()
