"""Starts the feed relay with the postings service when POSTINGS_RELAY__ENABLED=true, stops it after."""

import logging

from fastapi import FastAPI

from services.kit.tracing import tracer_of
from services.postings.relay.relay import FeedRelay

log = logging.getLogger("lingong.relay")


async def start(app: FastAPI) -> None:
    settings = app.state.settings.relay
    app.state.feed_relay = None
    if not settings.enabled:
        return
    notifier = getattr(app.state, "feed_notifier", None)
    relay = FeedRelay(app.state.sessionmaker, settings, notifier, tracer=tracer_of(app))
    app.state.feed_relay = relay
    relay.start()
    log.info("feed relay started", extra={"stream": settings.stream})


async def stop(app: FastAPI) -> None:
    relay: FeedRelay | None = getattr(app.state, "feed_relay", None)
    if relay is not None:
        await relay.stop()
