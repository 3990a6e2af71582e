"""`lingong serve --demo` registers its seekers while the matching service answers: a person registering
during that load waits at most a moment and succeeds."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.demo import load_demo_seekers
from services.matching.main import create_app
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from tests.conftest import LifespanApp, client_for
from tests.matching.ranking.conftest import keyword_predictor
from tests.matching.serving.conftest import profile

Token = Callable[..., dict[str, str]]
BUSY_TIMEOUT_MS = 3000  # a write that waits longer than this for SQLite's lock is a 503
MOMENT = 2.0  # seconds: the longest a person's write may wait


@pytest.fixture
async def settings(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings
) -> MatchingSettings:
    return MatchingSettings(
        database_url=await make_database("matching"),
        auth=auth_settings,
        sqlite_busy_timeout_ms=BUSY_TIMEOUT_MS,
    )


@pytest.fixture
async def client(settings: MatchingSettings, clock: ManualClock) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings, clock)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    app.state.text_encoder = TextEncoder(keyword_predictor)
    async with LifespanApp(app) as running, client_for(running) as c:
        yield c


async def test_a_seeker_registering_while_the_demo_seekers_load_is_registered_within_a_moment(
    client: httpx.AsyncClient, token: Token, settings: MatchingSettings
) -> None:
    loading = asyncio.create_task(load_demo_seekers(settings, n=1500))
    answers: list[tuple[int, float]] = []
    await asyncio.sleep(0.5)  # the loader is inside its first batches
    while not loading.done():
        me = token("seeker", f"s-{uuid.uuid4().hex[:8]}")
        started = time.perf_counter()
        response = await client.post("/v1/seekers", json=profile(), headers=me)
        answers.append((response.status_code, time.perf_counter() - started))
        await asyncio.sleep(0.3)

    assert await loading > 1400
    assert len(answers) >= 3
    assert {status for status, _ in answers} == {201}
    assert max(waited for _, waited in answers) < MOMENT
