"""The matching service: seekers, the postings replica, ranking and the station console.

Each domain folder that has a `router.py` exposing `router` is mounted, and each that has a
`lifecycle.py` with `start(app)` / `stop(app)` takes part in the lifespan, so parts can be added
without editing this file.
"""

import importlib
import pkgutil
from types import ModuleType

from fastapi import APIRouter, FastAPI

import services.matching as package
from services.kit.app import StartHook, create_service_app
from services.kit.clock import Clock
from services.matching.config import MatchingSettings, get_settings
from services.matching.database import IdempotencyKey
from services.matching.serving.engine import EngineState, MatchingEngine


def _domain_modules(name: str) -> list[ModuleType]:
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.ispkg:
            try:
                found.append(importlib.import_module(f"{package.__name__}.{info.name}.{name}"))
            except ModuleNotFoundError as exc:
                if exc.name != f"{package.__name__}.{info.name}.{name}":
                    raise
    return found


def _routers() -> list[APIRouter]:
    return [m.router for m in _domain_modules("router") if isinstance(getattr(m, "router", None), APIRouter)]


def _hooks(which: str) -> list[StartHook]:
    return [getattr(m, which) for m in _domain_modules("lifecycle") if callable(getattr(m, which, None))]


def _engine_ready(app: FastAPI) -> str | None:
    """Traffic waits for the in-memory engine: loading the index takes seconds to a minute per million."""
    engine = getattr(app.state, "matching_engine", None)
    if not isinstance(engine, MatchingEngine):
        return "matching engine not started"
    if engine.state != EngineState.READY:
        return f"matching engine {engine.state.value}"
    return None


def create_app(
    settings: MatchingSettings | None = None, clock: Clock | None = None, *, background: bool = True
) -> FastAPI:
    """The matching service. `background=False` leaves out the periodic sweeps (statistics, impressions'
    flush, zero-employment alerts, lapsed placements, retention, erasure delivery): a test calls a task's
    `run_once()` itself. The engine's loading and the replica are not sweeps and always run."""
    settings = settings or get_settings()
    app = create_service_app(
        name="matching",
        title="lingong matching service",
        description="Seekers scored against postings both ways, with reasons; the station console.",
        settings=settings,
        routers=_routers(),
        idempotency_model=IdempotencyKey,
        clock=clock,
        on_start=_hooks("start"),
        on_stop=_hooks("stop"),
        ready_checks=[_engine_ready],
    )
    app.state.background = background
    return app
