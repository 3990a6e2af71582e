import httpx


async def test_matching_healthz_answers_ok(matching_client: httpx.AsyncClient) -> None:
    response = await matching_client.get("/healthz")

    assert response.json() == {"status": "ok"}


async def test_matching_readyz_reaches_its_own_database(matching_client: httpx.AsyncClient) -> None:
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
