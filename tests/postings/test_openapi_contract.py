"""The OpenAPI document is the contract: every request schema has a valid example, and mutations of
those examples (the API's own fuzzing) never produce a 500."""

import random
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel

from services.kit.clock import ManualClock
from tests.fuzzing import mutate
from tests.postings.factories import create_employer, create_posting, job_body

Token = Callable[..., dict[str, str]]


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI's lazily included routers
            yield from _api_routes(route.original_router.routes)


def _body_models(app: FastAPI) -> dict[tuple[str, str], type[BaseModel]]:
    out: dict[tuple[str, str], type[BaseModel]] = {}
    for route in _api_routes(app.routes):
        if route.body_field is not None:
            model = route.body_field.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                for method in route.methods:
                    out[(method, route.path)] = model
    return out


def test_every_request_schema_carries_an_example_that_validates(app: FastAPI) -> None:
    spec = app.openapi()
    models = _body_models(app)
    assert models
    for (method, path), model in models.items():
        ref = spec["paths"][path][method.lower()]["requestBody"]["content"]["application/json"]["schema"][
            "$ref"
        ]
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert schema.get("examples"), f"{method} {path} has no example"
        for example in schema["examples"]:
            model.model_validate(example)


@pytest.fixture
async def seeds(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> dict[str, Any]:
    headers = token("employer", "fuzz")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))
    start = clock.now() + timedelta(days=5)
    return {"employer": employer, "posting": posting, "etag": etag, "start": start}


async def test_mutated_examples_never_cause_a_500(
    app: FastAPI, client: httpx.AsyncClient, token: Token, seeds: dict[str, Any]
) -> None:
    spec = app.openapi()["components"]["schemas"]
    headers = token("employer", "fuzz")
    employer_id, posting_id = seeds["employer"]["id"], seeds["posting"]["id"]
    posting_example = spec["PostingCreate"]["examples"][0] | {"employer_id": employer_id}
    shift = {
        "starts_at": seeds["start"].isoformat(),
        "ends_at": (seeds["start"] + timedelta(hours=4)).isoformat(),
        "headcount": 2,
    }
    posting_example["shifts"] = [shift]
    targets = [
        ("POST", "/v1/employers", spec["EmployerCreate"]["examples"][0]),
        ("PATCH", f"/v1/employers/{employer_id}", spec["EmployerUpdate"]["examples"][0]),
        ("POST", "/v1/postings", posting_example),
        ("POST", "/v1/postings:check", posting_example),
        ("PATCH", f"/v1/postings/{posting_id}", spec["PostingUpdate"]["examples"][0]),
        ("POST", f"/v1/postings/{posting_id}/shifts", shift),
    ]
    rng = random.Random(20261123)
    for method, url, example in targets:
        for _ in range(40):
            body = mutate(example, rng)
            response = await client.request(method, url, json=body, headers=headers | {"If-Match": "*"})
            assert response.status_code < 500, (method, url, body, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"
