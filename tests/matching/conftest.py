from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.main import create_app
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from services.matching.serving import loading
from services.postings.config import PostingsSettings
from services.postings.main import create_app as create_postings
from tests.conftest import LifespanApp, client_for
from tests.matching.ranking.conftest import keyword_predictor


@pytest.fixture(autouse=True)
def no_real_coder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every matching app a test starts ranks with the keyword predictor, never the shipped coder."""
    monkeypatch.setattr(loading, "default_encoder", lambda: TextEncoder(keyword_predictor))


@pytest.fixture
async def matching_settings(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings
) -> MatchingSettings:
    return MatchingSettings(database_url=await make_database("matching"), auth=auth_settings)


def matching_test_app(settings: MatchingSettings, clock: ManualClock) -> FastAPI:
    """The matching app as tests run it: no sweeps (a test runs a round itself), no feed to follow (tests
    drive it), the keyword predictor instead of the shipped coder."""
    app = create_app(settings, clock, background=False)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    app.state.text_encoder = TextEncoder(keyword_predictor)
    return app


@pytest.fixture
async def matching_app(matching_settings: MatchingSettings, clock: ManualClock) -> AsyncIterator[FastAPI]:
    async with LifespanApp(matching_test_app(matching_settings, clock)) as running:
        yield running


@pytest.fixture
async def postings_app(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings, clock: ManualClock
) -> AsyncIterator[FastAPI]:
    """A postings app of the test's own (no sweeps), for matching apps that talk to it (their
    `postings_transport` an ASGI transport to it, and `ask_matching` wiring it back)."""
    settings = PostingsSettings(database_url=await make_database("postings"), auth=auth_settings)
    async with LifespanApp(create_postings(settings, clock, background=False)) as running:
        yield running


@pytest.fixture
async def matching_client(matching_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(matching_app) as c:
        yield c
