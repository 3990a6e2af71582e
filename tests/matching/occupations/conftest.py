"""The coder trained on the classification alone (tests/conftest.py's coder_cache, where the CLI can load
it)."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.main import create_app
from services.matching.occupations import OccupationCoder
from services.matching.occupations.store import load_or_train
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from tests.conftest import LifespanApp, client_for
from tests.matching.ranking.conftest import keyword_predictor


@pytest.fixture(scope="session")
def coder(coder_cache: Path) -> OccupationCoder:
    """Trained on the classification only (no labelled titles), as the service is without shared data."""
    return load_or_train([], directory=coder_cache)


def _app(settings: MatchingSettings, clock: ManualClock, coder: OccupationCoder | None) -> FastAPI:
    app = create_app(settings, clock)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    app.state.text_encoder = TextEncoder(keyword_predictor)
    if coder is not None:
        app.state.occupation_coder = coder
    return app


@pytest.fixture
async def coded_app(
    matching_settings: MatchingSettings, clock: ManualClock, coder: OccupationCoder
) -> AsyncIterator[FastAPI]:
    async with LifespanApp(_app(matching_settings, clock, coder)) as running:
        yield running


@pytest.fixture
async def uncoded_app(matching_settings: MatchingSettings, clock: ManualClock) -> AsyncIterator[FastAPI]:
    async with LifespanApp(_app(matching_settings, clock, None)) as running:
        yield running


@pytest.fixture
async def coded_client(coded_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A matching app whose autocomplete has the coder."""
    async with client_for(coded_app) as client:
        yield client


@pytest.fixture
async def uncoded_client(uncoded_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A matching app whose autocomplete has no coder (names and aliases only)."""
    async with client_for(uncoded_app) as client:
        yield client
