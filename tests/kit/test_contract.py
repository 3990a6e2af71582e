"""Both OpenAPI documents say what the services serve: errors as application/problem+json with their
schema, the statuses the middleware adds, required If-Match, and the constraints the code enforces on
query parameters (enums, page bounds, cursor pattern). `make fuzz` checks the same against live servers;
this keeps the cheap part in the normal suite."""

from collections.abc import Iterator
from typing import Any

import pytest

from services.kit.problems import PROBLEM_MEDIA_TYPE
from services.matching.main import create_app as create_matching
from services.postings.main import create_app as create_postings

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module", params=["postings", "matching"])
def document(request: pytest.FixtureRequest) -> dict[str, Any]:
    create = create_postings if request.param == "postings" else create_matching
    return create().openapi()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def _parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in operation["parameters"] if p["name"] == name)


def _names(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", [])}


def _branches(schema: dict[str, Any], document: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for branch in schema.get("anyOf", [schema]):
        if "$ref" in branch:
            branch = document["components"]["schemas"][branch["$ref"].rsplit("/", 1)[1]]
        if branch.get("type") != "null":
            out.append(branch)
    return out


def test_every_error_response_is_a_problem(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                content = response.get("content", {})
                assert list(content) == [PROBLEM_MEDIA_TYPE], (method, path, status)
                name = "ValidationProblem" if status == "422" else "Problem"
                assert content[PROBLEM_MEDIA_TYPE]["schema"] == {"$ref": f"#/components/schemas/{name}"}
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_every_operation_documents_rate_limits_and_refused_tokens(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        assert "Retry-After" in responses["429"]["headers"], (method, path)
        if operation.get("security"):
            assert "401" in responses, (method, path)
        if "requestBody" in operation:
            assert {"400", "413"} <= set(responses), (method, path)


def test_if_match_is_required_and_idempotency_keys_have_their_pattern(document: dict[str, Any]) -> None:
    for _, _, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "If-Match":
                assert parameter["required"] is True
            if parameter["name"] == "Idempotency-Key":
                assert parameter["schema"]["pattern"] == r"^[\x21-\x7e]{1,200}$"


def test_pages_have_their_bounds_and_cursors_their_pattern(document: dict[str, Any]) -> None:
    pages = [op for _, _, op in _operations(document) if "cursor" in _names(op)]
    assert pages
    for operation in pages:
        (limit,) = _branches(_parameter(operation, "limit")["schema"], document)
        assert (limit["minimum"], limit["maximum"]) == (1, 200)
        (cursor,) = _branches(_parameter(operation, "cursor")["schema"], document)
        assert cursor["pattern"] == "^[A-Za-z0-9_-]+$"


@pytest.mark.parametrize(
    ("service", "path", "name"),
    [
        ("postings", "/v1/postings", "status"),
        ("postings", "/v1/postings", "kind"),
        ("postings", "/v1/applications", "status"),
        ("postings", "/v1/engagements", "status"),
        ("postings", "/v1/disputes", "status"),
        ("postings", "/v1/appeals", "status"),
        ("matching", "/v1/cases", "status"),
        ("matching", "/v1/statistics/supply-demand", "county"),
    ],
)
def test_enum_query_parameters_declare_their_values(service: str, path: str, name: str) -> None:
    document = (create_postings if service == "postings" else create_matching)().openapi()
    declared = _parameter(document["paths"][path]["get"], name)["schema"]
    (schema,) = _branches(declared, document)
    assert len(schema.get("enum", declared.get("enum", []))) >= 2


def test_free_text_declares_the_characters_it_refuses() -> None:
    document = create_postings().openapi()
    title = document["components"]["schemas"]["PostingCreate"]["properties"]["title"]
    assert "\\x00-\\x08" in title["pattern"]
    assert "\\u202a-\\u202e" in title["pattern"]


def test_optional_free_text_takes_null_as_its_schema_says() -> None:
    # Found by `make fuzz`: POST /v1/households {"reference": null} answered 500.
    from services.matching.households.schemas import HouseholdCreate

    body = HouseholdCreate.model_validate({"county_adcode": "370102", "reference": None})

    assert body.reference is None
