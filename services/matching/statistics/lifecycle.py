"""At start: the statistics task (posting facts and this week's snapshot) on its period; at stop: ended.

Tests may set `app.state.statistics_settings` before the lifespan runs; with `snapshot_seconds` they
call `app.state.statistics_task.run_once()` themselves.
"""

from fastapi import FastAPI

from services.kit.tracing import tracer_of
from services.matching.statistics.config import StatisticsSettings, get_statistics_settings
from services.matching.statistics.snapshots import StatisticsTask


async def start(app: FastAPI) -> None:
    state = app.state
    settings = getattr(state, "statistics_settings", None)
    if not isinstance(settings, StatisticsSettings):
        settings = state.statistics_settings = get_statistics_settings()
    task = state.statistics_task = StatisticsTask(state.sessionmaker, state.clock)
    task.tracer = tracer_of(app)
    if state.background:
        task.start(settings.snapshot_seconds)


async def stop(app: FastAPI) -> None:
    task = getattr(app.state, "statistics_task", None)
    if isinstance(task, StatisticsTask):
        await task.stop()
