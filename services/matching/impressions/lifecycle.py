"""At start: the impression buffer and its writer; at stop: the writer stopped and the buffer flushed.

Tests may set `app.state.impression_settings` before the lifespan runs.
"""

from fastapi import FastAPI

from services.kit.tracing import tracer_of
from services.matching.impressions.buffer import ImpressionBuffer, ImpressionWriter
from services.matching.impressions.config import ImpressionSettings, get_impression_settings


async def start(app: FastAPI) -> None:
    settings = getattr(app.state, "impression_settings", None)
    if not isinstance(settings, ImpressionSettings):
        settings = app.state.impression_settings = get_impression_settings()
    if not settings.enabled:
        app.state.impression_buffer = None
        return
    metrics = getattr(app.state, "metrics", None)
    buffer = app.state.impression_buffer = ImpressionBuffer(
        settings, metrics.registry if metrics is not None else None
    )
    writer = app.state.impression_writer = ImpressionWriter(buffer, app.state.sessionmaker)
    writer.tracer = tracer_of(app)
    if app.state.background:
        writer.start(settings.flush_seconds)


async def stop(app: FastAPI) -> None:
    writer: ImpressionWriter | None = getattr(app.state, "impression_writer", None)
    if writer is not None:
        await writer.stop()
        await writer.buffer.flush(writer.sessionmaker)
