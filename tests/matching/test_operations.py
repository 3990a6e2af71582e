import httpx
from fastapi import FastAPI

from services.matching.serving.engine import EngineState, MatchingEngine


async def test_matching_healthz_answers_ok(matching_client: httpx.AsyncClient) -> None:
    response = await matching_client.get("/healthz")

    assert response.json() == {"status": "ok"}


async def test_matching_readyz_reaches_its_own_database_once_its_engine_is_ready(
    matching_app: FastAPI, matching_client: httpx.AsyncClient
) -> None:
    matching_app.state.matching_engine.state = EngineState.READY  # (these tests feed the engine by hand)

    response = await matching_client.get("/readyz")

    assert response.status_code == 200


async def test_matching_serves_metrics_and_openapi(matching_client: httpx.AsyncClient) -> None:
    metrics = await matching_client.get("/metrics")
    spec = await matching_client.get("/openapi.json")

    assert metrics.status_code == 200
    assert spec.json()["info"]["title"] == "lingong matching service"


async def test_unknown_route_is_a_404_problem(matching_client: httpx.AsyncClient) -> None:
    response = await matching_client.get("/v1/nothing-here")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_matching_is_not_ready_while_its_engine_loads(
    matching_app: FastAPI, matching_client: httpx.AsyncClient
) -> None:
    engine: MatchingEngine = matching_app.state.matching_engine
    engine.state = EngineState.LOADING

    response = await matching_client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["code"] == "not_ready"
    assert response.json()["detail"] == "matching engine loading"
