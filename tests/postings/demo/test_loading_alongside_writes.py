"""`lingong serve --demo` loads its data while the services answer: a person's write made during the
load waits at most a moment and succeeds, however long the load takes."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.postings.config import PostingsSettings
from services.postings.demo_loader import load_demo
from services.postings.main import create_app
from tests.conftest import LifespanApp, client_for
from tests.postings.factories import create_employer, job_body

Token = Callable[..., dict[str, str]]
BUSY_TIMEOUT_MS = 3000  # a write that waits longer than this for SQLite's lock is a 503
MOMENT = 2.0  # seconds: the longest a person's write may wait


@pytest.fixture
async def postings_settings(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings
) -> PostingsSettings:
    return PostingsSettings(
        database_url=await make_database("postings"),
        auth=auth_settings,
        sqlite_busy_timeout_ms=BUSY_TIMEOUT_MS,
    )


@pytest.fixture
async def client(postings_settings: PostingsSettings, clock: ManualClock) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(postings_settings, clock, background=False)
    async with LifespanApp(app) as running, client_for(running) as c:
        yield c


async def test_a_posting_written_while_the_demo_loads_is_created_within_a_moment(
    client: httpx.AsyncClient, token: Token, postings_settings: PostingsSettings
) -> None:
    boss = token("employer", "boss")
    employer = await create_employer(client, boss)
    loading = asyncio.create_task(load_demo(postings_settings, n_postings=400))
    answers: list[tuple[int, float]] = []
    await asyncio.sleep(0.5)  # the loader is inside its first batches
    while not loading.done():
        started = time.perf_counter()
        response = await client.post("/v1/postings", json=job_body(employer["id"]), headers=boss)
        answers.append((response.status_code, time.perf_counter() - started))
        await asyncio.sleep(0.3)

    assert await loading == 400
    assert len(answers) >= 3
    assert {status for status, _ in answers} == {201}
    assert max(waited for _, waited in answers) < MOMENT
