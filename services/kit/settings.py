"""Settings shared by both services; each service subclasses with its own env prefix."""

from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEV_SIGNING_KEY = "lingong-embedded-dev-key-change-me-0123456789"


def sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite URL names; None for another database or an in-memory one."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database)
    return None


class AuthSettings(BaseModel):
    """Bearer-token verification: a local HS256 key (embedded default) or RS256 via JWKS (production)."""

    mode: str = Field(default="local", pattern="^(local|jwks)$")
    local_key: SecretStr = SecretStr(DEV_SIGNING_KEY)
    jwks_url: str | None = None
    jwks_max_age_seconds: int = Field(default=600, ge=60, le=86400)
    jwks_min_refresh_seconds: int = Field(default=60, ge=1, le=3600)
    jwks_timeout_seconds: float = Field(default=5, gt=0, le=60)
    issuer: str = "lingong-dev"
    audience: str = "lingong"
    leeway_seconds: int = Field(default=30, ge=0, le=300)
    dev_tokens: bool = True  # the dev-token command; production settings turn it off


class HttpSettings(BaseModel):
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    page_size_default: int = Field(default=50, ge=1, le=500)
    page_size_max: int = Field(default=200, ge=1, le=1000)
    idempotency_ttl_hours: int = Field(default=24, ge=1, le=24 * 30)


class ServiceSettings(BaseSettings):
    """The fields every service has. Subclasses set env_prefix and the default database file."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/service.db"
    database_echo: bool = False
    database_pool_size: int = Field(default=10, ge=1, le=200)
    sqlite_busy_timeout_ms: int = Field(default=15000, ge=100)
    log_level: str = "INFO"
    log_json: bool = True
    auth: AuthSettings = AuthSettings()
    http: HttpSettings = HttpSettings()

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        return sqlite_file(self.database_url)
