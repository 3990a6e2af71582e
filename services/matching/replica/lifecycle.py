"""At start: open the postings client and start the feed consumer; at stop: stop it, close the client.

Tests may set `app.state.replica_settings` and `app.state.postings_transport` (an httpx transport,
e.g. ASGITransport on a postings app) before the lifespan runs.
"""

import logging

from fastapi import FastAPI

from services.kit.tracing import tracer_of
from services.matching.outcomes.hooks import outcome_hooks
from services.matching.replica.client import PostingsClient, token_source
from services.matching.replica.config import ReplicaSettings, get_replica_settings
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.jetstream import JetStreamFeed
from services.matching.replica.listeners import replica_listeners

log = logging.getLogger("lingong.replica")


async def start(app: FastAPI) -> None:
    state = app.state
    settings = getattr(state, "replica_settings", None)
    if not isinstance(settings, ReplicaSettings):
        settings = state.replica_settings = get_replica_settings()
    listeners = replica_listeners(app)
    state.replica_consumer = None
    state.postings_client = None
    state.jetstream_feed = None
    if not settings.enabled:
        log.info("replica consumer disabled (MATCHING_REPLICA__ENABLED=false)")
        return
    client: PostingsClient | JetStreamFeed
    if settings.transport == "jetstream":
        client = state.jetstream_feed = JetStreamFeed(settings)
    else:
        client = state.postings_client = PostingsClient(
            state.settings.postings_url,
            token_source(state.settings.auth, settings),
            settings,
            transport=getattr(state, "postings_transport", None),
            tracing=state.tracing,
        )
    state.replica_consumer = ReplicaConsumer(
        client,
        state.sessionmaker,
        state.clock,
        settings,
        listeners,
        hooks=outcome_hooks(app),
        tracer=tracer_of(app),
    )
    state.replica_consumer.start()


async def stop(app: FastAPI) -> None:
    consumer: ReplicaConsumer | None = getattr(app.state, "replica_consumer", None)
    if consumer is not None:
        await consumer.stop()
    client: PostingsClient | None = getattr(app.state, "postings_client", None)
    if client is not None:
        await client.aclose()
    feed: JetStreamFeed | None = getattr(app.state, "jetstream_feed", None)
    if feed is not None:
        await feed.aclose()
