"""The application frame both services share: lifespan, middleware, problems, health, metrics."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.telemetry import TelemetryConfig
from pydantic import BaseModel
from sqlalchemy import text

from services.kit.auth import TokenVerifier
from services.kit.body_limit import BodyLimitMiddleware
from services.kit.clock import Clock, SystemClock
from services.kit.contract import document_the_contract
from services.kit.db import build_engine, build_sessionmaker, reader_engine
from services.kit.examples import keep_examples_current
from services.kit.idempotency import IdempotencyRecordMixin
from services.kit.logging import RequestContextMiddleware, configure_logging
from services.kit.metrics import Metrics, MetricsMiddleware, metrics_router
from services.kit.problems import Problem, ProblemError, install_problem_handlers
from services.kit.ratelimit import AbuseLimiter, RateLimitMiddleware
from services.kit.settings import ServiceSettings
from services.kit.shedding import LoadShedder, LoadSheddingMiddleware
from services.kit.standby import Standby
from services.kit.tracing import setup_tracing

StartHook = Callable[[FastAPI], Awaitable[None]]
# A readiness condition beyond the database: None when met, else what is not ready yet (503 from /readyz).
ReadyCheck = Callable[[FastAPI], str | None]


class Health(BaseModel):
    status: str


health_router = APIRouter(tags=["operations"])


@health_router.get("/healthz", response_model=Health, summary="The process is alive")
async def healthz() -> Health:
    return Health(status="ok")


class NotReady(ProblemError):
    status, code, title, title_zh = 503, "not_ready", "Not ready for traffic", "服务尚未就绪"


@health_router.get(
    "/readyz",
    response_model=Health,
    summary="Ready for traffic: the database answers and the service's own conditions hold",
    description="Kubernetes' readiness probe: 503 while the database is unreachable or (matching) the "
    "in-memory engine is still loading, so no traffic reaches a process that cannot answer yet.",
    responses={503: {"model": Problem, "description": "not_ready"}},
)
async def readyz(request: Request) -> Health:
    try:
        async with request.app.state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        raise NotReady("the database does not answer") from exc
    for check in request.app.state.ready_checks:
        waiting = check(request.app)
        if waiting is not None:
            raise NotReady(waiting)
    return Health(status="ok")


NO_NATIVE_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_service_app(
    *,
    name: str,
    title: str,
    description: str,
    settings: ServiceSettings,
    routers: Sequence[APIRouter],
    idempotency_model: type[IdempotencyRecordMixin],
    clock: Clock | None = None,
    on_start: Sequence[StartHook] = (),
    on_stop: Sequence[StartHook] = (),
    openapi_tags: list[dict[str, Any]] | None = None,
    quiet_routes: Sequence[str] = (),
    ready_checks: Sequence[ReadyCheck] = (),
    long_poll_prefixes: Sequence[str] = (),
    reads_without_transaction: bool = False,
) -> FastAPI:
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = build_engine(settings)
        app.state.sessionmaker = build_sessionmaker(app.state.engine)
        # GET routes' sessions (UnitOfWorkRoute): without BEGIN/ROLLBACK on PostgreSQL where asked (kit/db.py)
        app.state.read_sessionmaker = (
            build_sessionmaker(reader_engine(app.state.engine))
            if reads_without_transaction
            else app.state.sessionmaker
        )
        app.state.standby = None
        if settings.database_replica.url:
            app.state.standby = Standby(settings.database_replica, app.state.engine)
            await app.state.standby.run_once()
            app.state.standby.start(settings.database_replica.probe_seconds)
        if settings.rate_limit.enabled:
            app.state.rate_limiter = AbuseLimiter(settings.rate_limit)
        for hook in on_start:
            await hook(app)
        try:
            yield
        finally:
            for hook in reversed(on_stop):
                await hook(app)
            if app.state.standby is not None:
                await app.state.standby.close()
            await app.state.engine.dispose()
            if settings.load_shedding.enabled:
                await app.state.load_shedder.close()
            if settings.rate_limit.enabled:
                await app.state.rate_limiter.close()
            if app.state.tracing is not None:
                app.state.tracing.shutdown()  # sends the spans still waiting

    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        openapi_tags=openapi_tags,
        # FastAPI's own OpenTelemetry hook asks the global providers on every request whether it should
        # record; our tracing (docs/tracing.md) is set up below when configured, and when it is not,
        # nothing records and the question is not asked.
        telemetry=None if settings.tracing.on else NO_NATIVE_TELEMETRY,
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.token_verifier = TokenVerifier(settings.auth, clock=app.state.clock)
    app.state.idempotency_model = idempotency_model
    app.state.ready_checks = list(ready_checks)
    app.state.metrics = Metrics(name)
    install_problem_handlers(app)
    app.include_router(health_router)
    app.include_router(metrics_router)
    for router in routers:
        app.include_router(router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.http.max_body_bytes)
    app.add_middleware(RateLimitMiddleware)
    if settings.load_shedding.enabled:
        app.state.load_shedder = LoadShedder(settings.load_shedding)
        app.add_middleware(
            LoadSheddingMiddleware, shedder=app.state.load_shedder, exempt=tuple(long_poll_prefixes)
        )
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(RequestContextMiddleware, service=name, quiet_routes=frozenset(quiet_routes))
    app.state.tracing = setup_tracing(settings.tracing, name)  # None: off, nothing installed
    if app.state.tracing is not None:
        app.state.tracing.instrument_app(app)  # outermost: the server span covers every middleware
    document_the_contract(app)
    keep_examples_current(app)
    return app
