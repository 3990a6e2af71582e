"""Impressions' fixtures: serving's (a loaded engine, a feed driven by hand), plus apps started with
impression or learned-ranker settings of the test's choosing."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.impressions.buffer import ImpressionBuffer
from services.matching.impressions.models import Impression
from services.matching.main import create_app
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from services.matching.serving.engine import MatchingEngine
from tests.conftest import LifespanApp
from tests.matching.ranking.conftest import keyword_predictor
from tests.matching.serving.conftest import app, client, feed, fixed_clock, staff  # noqa: F401

AppMaker = Callable[..., AbstractAsyncContextManager[FastAPI]]


@pytest.fixture
def make_app(matching_settings: MatchingSettings, clock: ManualClock) -> AppMaker:
    """A matching app whose `app.state` gets the given attributes before its lifespan starts."""

    @asynccontextmanager
    async def make(**state: Any) -> AsyncIterator[FastAPI]:
        made = create_app(matching_settings, clock)
        made.state.replica_settings = ReplicaSettings(enabled=False)
        made.state.text_encoder = TextEncoder(keyword_predictor)
        for name, value in state.items():
            setattr(made.state, name, value)
        async with LifespanApp(made) as running:
            engine: MatchingEngine = running.state.matching_engine
            await engine.wait_ready(10)
            yield running

    return make


async def written(served: FastAPI) -> list[Impression]:
    """Flush the app's buffer and read every impression back, in list order."""
    buffer: ImpressionBuffer = served.state.impression_buffer
    await buffer.flush(served.state.sessionmaker)
    async with served.state.sessionmaker() as session:
        stmt = select(Impression).order_by(Impression.surface, Impression.request_id, Impression.position)
        return list((await session.scalars(stmt)).all())
