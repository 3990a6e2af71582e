from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.main import create_app
from tests.conftest import LifespanApp, client_for


@pytest.fixture
async def matching_settings(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings
) -> MatchingSettings:
    return MatchingSettings(database_url=await make_database("matching"), auth=auth_settings)


@pytest.fixture
async def matching_app(matching_settings: MatchingSettings, clock: ManualClock) -> AsyncIterator[FastAPI]:
    async with LifespanApp(create_app(matching_settings, clock)) as running:
        yield running


@pytest.fixture
async def matching_client(matching_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(matching_app) as c:
        yield c
