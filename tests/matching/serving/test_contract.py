"""Serving's OpenAPI: request examples that validate and work, every status listed, and bad input that
gets a 4xx problem, never a 500."""

import random
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.matching.serving.router import router
from services.matching.serving.schemas import OverrideCreate
from tests.fuzzing import MUTANTS, extreme_query_answers
from tests.matching.serving.conftest import Feed, Token, register

BAD: list[Any] = [*MUTANTS, "pin ", "PIN"]


def _mutate(example: dict[str, Any], rng: random.Random) -> Any:
    body = dict(example)
    key = rng.choice(sorted(body))
    if rng.random() < 0.2:
        del body[key]
    else:
        body[key] = rng.choice(BAD)
    return body


def test_every_serving_route_documents_its_problems_and_its_request_example(matching_app: FastAPI) -> None:
    spec = matching_app.openapi()
    example = spec["components"]["schemas"]["OverrideCreate"]["examples"][0]
    OverrideCreate.model_validate(example)
    routes = [r for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) == 7
    for route in routes:
        for method in route.methods:
            operation = spec["paths"][route.path][method.lower()]
            assert {"401", "422"} <= set(operation["responses"]), (method, route.path)


async def test_the_override_example_works_and_mutations_of_it_never_cause_a_500(
    matching_app: FastAPI, client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    example = matching_app.openapi()["components"]["schemas"]["OverrideCreate"]["examples"][0]
    await feed.post(posting_id=example["posting_id"])
    me = await register(client, token, "s-1")

    created = await client.post("/v1/seekers/s-1/overrides", json=example, headers=staff)
    rng = random.Random(20261124)
    for _ in range(40):
        body = _mutate(example, rng)
        response = await client.post("/v1/seekers/s-1/overrides", json=body, headers=staff)
        assert response.status_code < 500, (body, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
    queries = ["top_k=abc", "top_k=-1", "kind=both", "kind=%00", "top_k=1e9", "kind=" + "x" * 5000]
    for query in queries:
        response = await client.get(f"/v1/seekers/s-1/matches?{query}", headers=me)
        assert response.status_code == 422, (query, response.text)
    for path in ("/v1/seekers/%00/matches", "/v1/postings/not-a-uuid/candidates", "/v1/matches/explain"):
        assert (await client.get(path, headers=staff)).status_code == 422, path

    assert created.status_code == 201, created.text


async def test_no_extreme_number_in_a_query_parameter_gets_a_server_error(
    matching_app: FastAPI, client: httpx.AsyncClient, token: Token
) -> None:
    roles = {"seeker": token("seeker", "s-1"), "staff": token("staff", "staff-li", station="station-lixia-1"),
             "employer": token("employer", "e-1"), "admin": token("admin", "a-1")}  # fmt: skip
    requests, answers = await extreme_query_answers(client, matching_app.openapi(), roles)

    assert requests >= 15  # every listing's limit, the matches' and candidates' top_k
    assert [a for a in answers if a[-1] >= 500] == []
