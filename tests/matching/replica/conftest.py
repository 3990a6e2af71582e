"""The replica's fixtures: a real postings app to follow, the matching database, consumers and clients.

Nothing here sleeps for real: clients and consumers get `sleeps`, which records each delay.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import ManualClock
from services.kit.db import build_engine, build_sessionmaker
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.matching.outcomes.hooks import OutcomeHooks
from services.matching.replica.client import PostingsClient, token_source
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.listeners import ReplicaListeners
from services.matching.replica.service import BatchResult, Checkpoint
from tests.conftest import LifespanApp, ask_matching, client_for

Token = Callable[..., dict[str, str]]
Db = async_sessionmaker[AsyncSession]


class Sleeps:
    """An injected sleep: records the delay and yields to the loop instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.observers: list[Callable[[], None]] = []  # called at each sleep, e.g. to record a state

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        for observe in self.observers:
            observe()
        await asyncio.sleep(0)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def replica_settings() -> ReplicaSettings:
    return ReplicaSettings(
        page_size=50, poll_wait_seconds=0, backoff_base_seconds=0.1, backoff_max_seconds=5, max_attempts=3
    )


@pytest.fixture
async def postings(postings_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The postings API, to make the changes the replica follows."""
    async with client_for(postings_app) as c:
        yield c


@pytest.fixture
async def db(matching_settings: MatchingSettings) -> AsyncIterator[Db]:
    """The matching database, read and written directly (as the consumer does)."""
    engine = build_engine(matching_settings)
    yield build_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def make_client(
    auth_settings: AuthSettings, replica_settings: ReplicaSettings, sleeps: Sleeps
) -> Callable[..., PostingsClient]:
    def make(transport: httpx.AsyncBaseTransport, **overrides: Any) -> PostingsClient:
        settings = replica_settings.model_copy(update=overrides)
        return PostingsClient(
            "http://postings.test",
            token_source(auth_settings, settings),
            settings,
            transport=transport,
            sleep=sleeps,
        )

    return make


@pytest.fixture
async def feed_client(
    postings_app: FastAPI, make_client: Callable[..., PostingsClient]
) -> AsyncIterator[PostingsClient]:
    """A PostingsClient on the real postings app, through ASGITransport."""
    async with make_client(httpx.ASGITransport(app=postings_app)) as client:
        yield client


@pytest.fixture
def make_consumer(
    db: Db, clock: ManualClock, replica_settings: ReplicaSettings, sleeps: Sleeps
) -> Callable[..., ReplicaConsumer]:
    def make(
        client: PostingsClient,
        *,
        checkpoint: Checkpoint | None = None,
        listeners: ReplicaListeners | None = None,
        hooks: OutcomeHooks | None = None,
        **overrides: Any,
    ) -> ReplicaConsumer:
        settings = replica_settings.model_copy(update=overrides)
        return ReplicaConsumer(
            client,
            db,
            clock,
            settings,
            listeners or ReplicaListeners(),
            sleep=sleeps,
            checkpoint=checkpoint,
            hooks=hooks,
        )

    return make


async def catch_up(consumer: ReplicaConsumer) -> list[BatchResult]:
    """Step until the feed has nothing new."""
    results = []
    while (result := await consumer.step(wait=0)) is not None:
        results.append(result)
    return results


@pytest.fixture
async def live_matching_app(
    matching_settings: MatchingSettings,
    clock: ManualClock,
    postings_app: FastAPI,
    replica_settings: ReplicaSettings,
) -> FastAPI:
    """A matching app whose own lifecycle runs the consumer against the real postings app (which asks
    it whom staff reach)."""
    app = create_matching(matching_settings, clock)
    app.state.replica_settings = replica_settings.model_copy(update={"poll_wait_seconds": 5})
    app.state.postings_transport = httpx.ASGITransport(app=postings_app)
    await ask_matching(postings_app, app)
    return app


@pytest.fixture
async def live_matching(live_matching_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanApp(live_matching_app) as running, client_for(running) as c:
        yield c
