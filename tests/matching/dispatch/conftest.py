"""Dispatch's fixtures: serving's feed-driven matching app, with the clock at 05:00 in Shanghai."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.conftest import client_for
from tests.matching.dispatch.morning import MORNING
from tests.matching.serving.conftest import app, client, feed, staff  # noqa: F401
from tests.matching.serving.test_live import live_matching  # noqa: F401


@pytest.fixture(autouse=True)
def fixed_clock(clock: ManualClock) -> ManualClock:
    clock.set(MORNING)
    return clock


@pytest.fixture
async def apps(
    postings_app: FastAPI,  # noqa: F811
    live_matching: FastAPI,  # noqa: F811
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """(postings, matching): the real postings app, and a matching app following its feed."""
    async with client_for(postings_app) as postings, client_for(live_matching) as matching:
        yield postings, matching
