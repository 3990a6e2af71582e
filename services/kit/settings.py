"""Settings shared by both services; each service subclasses with its own env prefix."""

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from services.kit.tracing import TracingSettings

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


class RateLimitRule(BaseModel):
    """One abuse limit: requests matching `methods` and `path`, counted per `scope`, at most `limit`.

    With `statuses`, only answers with one of them are counted (e.g. 401 for refused credentials).
    """

    name: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    limit: str = Field(pattern=r"^\d{1,6}\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day)s?$")
    scope: Literal["principal", "address"]
    methods: list[str] = Field(default_factory=list, max_length=10)
    path: str = Field(default="", max_length=200)
    statuses: list[int] = Field(default_factory=list, max_length=10)


_WRITES = ["POST", "PUT", "PATCH", "DELETE"]
_CHECKIN = r"/engagements/[^/]+/check-(in|out)$"
_MATCHES = r"^/v1/(seekers/[^/]+/matches|postings/[^/]+/candidates|matches/explain)$"

DEFAULT_RATE_LIMITS = [
    RateLimitRule(name="refused_credentials", limit="30/minute", scope="address", statuses=[401]),
    RateLimitRule(name="writes", limit="120/minute", scope="principal", methods=_WRITES),
    RateLimitRule(name="writes_by_address", limit="1200/minute", scope="address", methods=_WRITES),
    RateLimitRule(name="checkin_codes", limit="10/minute", scope="principal", path=_CHECKIN),
    RateLimitRule(name="checkin_codes_by_address", limit="120/minute", scope="address", path=_CHECKIN),
    RateLimitRule(name="match_queries", limit="60/minute", scope="principal", path=_MATCHES),
    RateLimitRule(name="match_queries_by_address", limit="1200/minute", scope="address", path=_MATCHES),
]


class RateLimitSettings(BaseModel):
    """Abuse limits: in memory by default; `storage_url=redis://host:6379/0` shares them across workers."""

    enabled: bool = True
    storage_url: str = Field(default="memory://", pattern=r"^(async\+)?(memory|redis|rediss)://")
    key_prefix: str = Field(default="lingong", pattern=r"^[A-Za-z0-9_.:-]{1,100}$")
    strategy: Literal["moving-window", "sliding-window-counter", "fixed-window"] = "moving-window"
    storage_timeout_seconds: float = Field(default=0.5, gt=0, le=10)
    fallback_seconds: float = Field(default=30, ge=1, le=3600)
    exempt_roles: list[str] = Field(default_factory=lambda: ["service"])
    rules: list[RateLimitRule] = Field(default_factory=lambda: list(DEFAULT_RATE_LIMITS), max_length=100)


class ReplicaSettings(BaseModel):
    """A hot standby for reads that may lag (PostgreSQL only; off when `url` is empty)."""

    url: str | None = Field(default=None, pattern=r"^postgresql(\+asyncpg)?://")
    max_lag_seconds: float = Field(default=5.0, gt=0, le=3600)
    probe_seconds: float = Field(default=1.0, gt=0, le=60)
    pool_size: int = Field(default=10, ge=1, le=200)


class LoadSheddingSettings(BaseModel):
    """Back-pressure (`kit/shedding.py`): past these bounds a request gets 503 `overloaded` at once."""

    enabled: bool = True
    # Matching is CPU-bound on one event loop: more requests at once only lengthen each one.
    max_in_flight: int = Field(default=20, ge=1, le=10000)  # requests being served at once
    max_queue: int = Field(default=100, ge=0, le=100000)  # requests waiting for a slot
    max_queue_wait_seconds: float = Field(default=0.5, gt=0, le=60)  # the longest wait for a slot
    # Refuse for a second after the event loop ran this late (0: never; `lingong serve` sets 0.5).
    max_loop_lag_seconds: float = Field(default=0, ge=0, le=60)
    retry_after_seconds: int = Field(default=1, ge=1, le=3600)


class ServiceSettings(BaseSettings):
    """The fields every service has. Subclasses set env_prefix and the default database file."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/service.db"
    database_echo: bool = False
    database_pool_size: int = Field(default=10, ge=1, le=200)
    # A pooled connection is tested (a round trip) when checked out after this long unused; 0: at every
    # checkout. A connection PostgreSQL dropped while it was in use fails that one request instead.
    database_ping_after_idle_seconds: float = Field(default=2.0, ge=0, le=3600)
    sqlite_busy_timeout_ms: int = Field(default=15000, ge=100)
    database_replica: ReplicaSettings = ReplicaSettings()
    log_level: str = "INFO"
    log_json: bool = True
    auth: AuthSettings = AuthSettings()
    http: HttpSettings = HttpSettings()
    rate_limit: RateLimitSettings = RateLimitSettings()
    load_shedding: LoadSheddingSettings = LoadSheddingSettings()
    tracing: TracingSettings = TracingSettings()

    @model_validator(mode="after")
    def _replica_needs_postgres(self) -> "ServiceSettings":
        if self.database_replica.url and self.database_url.startswith("sqlite"):
            raise ValueError("database_replica.url needs a PostgreSQL primary, not the embedded SQLite file")
        return self

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        return sqlite_file(self.database_url)
