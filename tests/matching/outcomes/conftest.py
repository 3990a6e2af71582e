"""The outcomes tests follow the real postings app with the replica's own fixtures."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.matching.replica.config import ReplicaSettings
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.matching.replica.conftest import (  # noqa: F401
    db,
    feed_client,
    make_client,
    make_consumer,
    postings,
    replica_settings,
    sleeps,
)


@pytest.fixture
async def reach(
    matching_settings: MatchingSettings,
    clock: ManualClock,
    postings_app: FastAPI,  # noqa: F811
) -> AsyncIterator[httpx.AsyncClient]:
    """The matching API (not following the feed: the tests' consumer does) that the postings app asks
    whom staff reach; staff refer the seekers registered at their station there."""
    app = create_matching(matching_settings, clock)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    await ask_matching(postings_app, app)
    async with LifespanApp(app), client_for(app) as client:
        yield client
