"""Every seekers request schema carries a valid example, and mutations of the examples never cause a 500."""

import random
from collections.abc import Iterator
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel

from tests.fuzzing import MUTANTS as FUZZ_MUTANTS
from tests.fuzzing import mutate
from tests.matching.seekers.conftest import Token, grant, register

MUTANTS: list[Any] = [*FUZZ_MUTANTS, "37083219750601104X"]


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI's lazily included routers
            yield from _api_routes(route.original_router.routes)


def _body_models(app: FastAPI) -> dict[str, type[BaseModel]]:
    """Request body models by their OpenAPI component name."""
    out: dict[str, type[BaseModel]] = {}
    for route in _api_routes(app.routes):
        if route.body_field is not None:
            model = route.body_field.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                out[model.__name__] = model
    return out


def test_every_seekers_request_schema_carries_an_example_that_validates(matching_app: FastAPI) -> None:
    spec = matching_app.openapi()
    models = _body_models(matching_app)
    checked = set()
    for path, operations in spec["paths"].items():
        if not path.startswith("/v1/seekers") or path.endswith("/overrides"):  # overrides: serving's
            continue
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            name = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            examples = spec["components"]["schemas"][name].get("examples")
            assert examples, f"{method} {path} has no example"
            for example in examples:
                models[name].model_validate(example)
            checked.add((method, path))
    assert len(checked) == 6  # the seekers part's four, the lookup, and referrals


async def test_the_examples_work_against_the_api(
    matching_app: FastAPI, matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    spec = matching_app.openapi()["components"]["schemas"]

    created = await matching_client.post("/v1/seekers", json=spec["SeekerCreate"]["examples"][0], headers=me)
    consent = await matching_client.post(
        "/v1/seekers/seeker-1/consents", json=spec["ConsentIn"]["examples"][0], headers=staff
    )
    sensitive = await matching_client.put(
        "/v1/seekers/seeker-1/sensitive", json=spec["SensitiveIn"]["examples"][0], headers=me
    )
    edited = await matching_client.patch(
        "/v1/seekers/seeker-1", json=spec["SeekerUpdate"]["examples"][0], headers=me | {"If-Match": "*"}
    )

    assert [r.status_code for r in (created, consent, sensitive, edited)] == [201, 201, 201, 200]


async def test_mutated_examples_never_cause_a_500(
    matching_app: FastAPI, matching_client: httpx.AsyncClient, token: Token, me: dict[str, str]
) -> None:
    spec = matching_app.openapi()["components"]["schemas"]
    await register(matching_client, me)
    await grant(matching_client, me, "seeker-1", "sensitive_for_priority_help")
    staff = token("staff", "fuzz", station="station-fuzz")
    targets = [
        ("POST", "/v1/seekers", spec["SeekerCreate"]["examples"][0], staff),
        ("PATCH", "/v1/seekers/seeker-1", spec["SeekerUpdate"]["examples"][0], me),
        ("PUT", "/v1/seekers/seeker-1/sensitive", spec["SensitiveIn"]["examples"][0], me),
        ("PUT", "/v1/seekers/seeker-1/sensitive", spec["SensitiveIn"]["examples"][0], staff),
        ("POST", "/v1/seekers/seeker-1/consents", spec["ConsentIn"]["examples"][0], staff),
    ]
    rng = random.Random(20261123)
    for method, url, example, headers in targets:
        for _ in range(40):
            body = mutate(example, rng, MUTANTS)
            response = await matching_client.request(
                method, url, json=body, headers=headers | {"If-Match": "*"}
            )
            assert response.status_code < 500, (method, url, body, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"
