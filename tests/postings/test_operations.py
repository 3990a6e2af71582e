from collections.abc import Callable

import httpx

from services.postings.config import PostingsSettings
from services.postings.main import create_app
from tests.conftest import LifespanApp, client_for

Token = Callable[..., dict[str, str]]


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.json() == {"status": "ok"}


async def test_readyz_reaches_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient, token: Token) -> None:
    await client.get("/v1/postings", headers=token("seeker", "s1"))

    text = (await client.get("/metrics")).text

    assert 'route="/v1/postings"' in text
    assert "http_request_duration_seconds_bucket" in text


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})

    assert response.headers["X-Request-ID"] == "abc-123"


async def test_openapi_lists_problem_responses(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()

    create = spec["paths"]["/v1/postings"]["post"]
    assert {"201", "401", "403", "404", "422"} <= set(create["responses"])


async def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    settings = PostingsSettings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with LifespanApp(create_app(settings, background=False)) as app, client_for(app) as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
