"""At start: the matching engine, subscribed to the replica first, then loaded in the background; at stop:
the background tasks cancelled and the subscription dropped.

Tests and benchmarks may set, before the lifespan runs: `app.state.matching_engine` (a prebuilt engine,
used as it is), `app.state.shared_index` (this process's part in the shared layout, shared.py),
`app.state.text_encoder` (instead of the occupation coder), `app.state.serving_settings`,
`app.state.fairness_settings` and `app.state.ltr_settings` (the learned ranker's switch).
"""

import asyncio
import contextlib
import logging
from pathlib import Path

from fastapi import FastAPI

from services.matching.ranking.ltr.model import ModelRefused
from services.matching.ranking.ltr.model import load as load_model
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.listeners import replica_listeners
from services.matching.serving.config import (
    FairnessSettings,
    LtrSettings,
    ServingSettings,
    get_fairness_settings,
    get_ltr_settings,
    get_serving_settings,
)
from services.matching.serving.engine import MatchingEngine
from services.matching.serving.loading import follow_replica, load, maintain
from services.matching.serving.shared import SharedIndex
from services.matching.serving.shared import run as run_shared

log = logging.getLogger("lingong.matching")


async def start(app: FastAPI) -> None:
    state = app.state
    settings = getattr(state, "serving_settings", None)
    if not isinstance(settings, ServingSettings):
        settings = state.serving_settings = get_serving_settings()
    if not isinstance(getattr(state, "fairness_settings", None), FairnessSettings):
        state.fairness_settings = get_fairness_settings()
    tasks: list[asyncio.Task[None]] = []
    engine = getattr(state, "matching_engine", None)
    prebuilt = isinstance(engine, MatchingEngine)
    if not isinstance(engine, MatchingEngine):
        engine = state.matching_engine = MatchingEngine(settings.retry_after_seconds)
    ltr = getattr(state, "ltr_settings", None)
    if not isinstance(ltr, LtrSettings):
        ltr = state.ltr_settings = get_ltr_settings()
    if ltr.enabled:
        try:
            engine.use_learned(load_model(Path(ltr.model_path), ltr.shortlist))
        except (ModelRefused, OSError, ValueError) as exc:  # the hand-set weights serve instead
            log.error("learned ranker not used", extra={"reason": str(exc)})
    # Subscribe before loading: whatever commits from now on is heard (and replayed after the load).
    state.serving_unsubscribe = replica_listeners(app).subscribe(engine.on_replica_change)
    replica: ReplicaSettings | None = getattr(state, "replica_settings", None)
    consumer = replica is None or replica.enabled
    shared = getattr(state, "shared_index", None)
    if not isinstance(shared, SharedIndex) and settings.shared_index_dir and not prebuilt:
        shared = state.shared_index = SharedIndex(Path(settings.shared_index_dir), consumer, settings)
    if isinstance(shared, SharedIndex):  # one index for every process on the host
        if shared.publisher:
            state.serving_unannounce = replica_listeners(app).subscribe(shared.announce)
        tasks.append(asyncio.create_task(run_shared(app, engine, shared), name="matching-shared-index"))
    elif not consumer:  # another process consumes: read what it applied
        tasks.append(asyncio.create_task(follow_replica(app, engine, settings), name="matching-follow"))
    if not prebuilt:
        tasks.append(asyncio.create_task(load(app, engine, settings), name="matching-engine-load"))
    tasks.append(asyncio.create_task(maintain(app, settings), name="matching-maintenance"))
    state.serving_tasks = tasks


async def stop(app: FastAPI) -> None:
    for task in getattr(app.state, "serving_tasks", []):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    for name in ("serving_unsubscribe", "serving_unannounce"):
        unsubscribe = getattr(app.state, name, None)
        if callable(unsubscribe):
            unsubscribe()
