from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching import main as matching_main
from services.matching.config import MatchingSettings
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from services.matching.serving import loading
from services.postings import main as postings_main
from services.postings.config import PostingsSettings
from tests.conftest import LifespanApp
from tests.kit.identity import AUDIENCE, ISSUER, IdentityProvider, SigningKey
from tests.matching.ranking.conftest import keyword_predictor
from tests.postings.conftest import app, client, postings_settings

__all__ = ["app", "client", "postings_settings"]

ServiceApp = Callable[..., AbstractAsyncContextManager[FastAPI]]


@pytest.fixture
def identity() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def key_a() -> SigningKey:
    return SigningKey("key-2026a")


@pytest.fixture(scope="session")
def key_b() -> SigningKey:
    return SigningKey("key-2026b")


@pytest.fixture
def jwks_auth(identity: IdentityProvider) -> AuthSettings:
    return AuthSettings(mode="jwks", jwks_url=identity.url, issuer=ISSUER, audience=AUDIENCE)


@pytest.fixture
def service_app(
    make_database: Callable[[str], Awaitable[str]], clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> ServiceApp:
    """service_app(service, **settings) → that service's app on a database of its own, lifespan running."""

    monkeypatch.setattr(loading, "default_encoder", lambda: TextEncoder(keyword_predictor))

    @asynccontextmanager
    async def make(service: str, **fields: Any) -> AsyncIterator[FastAPI]:
        url = await make_database(service)
        if service == "postings":
            app = postings_main.create_app(
                PostingsSettings(database_url=url, **fields), clock, background=False
            )
        else:
            app = matching_main.create_app(MatchingSettings(database_url=url, **fields), clock)
            app.state.replica_settings = ReplicaSettings(enabled=False)
            app.state.text_encoder = TextEncoder(keyword_predictor)
        async with LifespanApp(app) as running:
            yield running

    return make


def client_at(app: FastAPI, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """A client of `app` whose requests come from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30)
