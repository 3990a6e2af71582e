from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.postings.config import PostingsSettings
from services.postings.main import create_app
from tests.conftest import LifespanApp, client_for


@pytest.fixture
async def postings_settings(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings
) -> PostingsSettings:
    return PostingsSettings(database_url=await make_database("postings"), auth=auth_settings)


@pytest.fixture
async def app(postings_settings: PostingsSettings, clock: ManualClock) -> AsyncIterator[FastAPI]:
    async with LifespanApp(create_app(postings_settings, clock, background=False)) as running:
        yield running


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c
