"""The OpenAPI document as the contract: every error as the problem the app serves, every status it can send.

FastAPI documents error responses as `application/json` and 422 as its own `HTTPValidationError`; the app
serves RFC 9457 `application/problem+json` (services.kit.problems). `document_the_contract(app)` rewrites
the generated document once per generation so it says what the middleware and handlers really do:

- every 4xx/5xx response is `application/problem+json` with the `Problem` schema (422: `ValidationProblem`);
- 429 on every operation (the abuse limits count refused credentials on any route), with `Retry-After`;
- 401 on every operation that takes a bearer token (a token that does not verify is refused anywhere);
- 400 and 413 on every operation with a body (unreadable; over the limit, checked before the route);
- a page's `limit` has the service's configured cap as its maximum;
- `If-Match` is required where it is declared (the route answers 428 without it), and `Idempotency-Key`
  carries the pattern the unit of work checks.
"""

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

from services.kit.idempotency import KEY_PATTERN
from services.kit.pagination import PAGE_SIZE_CAP
from services.kit.problems import PROBLEM_MEDIA_TYPE, Problem

_REF = "#/components/schemas/"


class ValidationError(BaseModel):
    loc: list[str] = Field(description="Where: body, query, path or header, then the field")
    type: str = Field(description="What kind of error (pydantic's error type)")
    msg: str


class ValidationProblem(Problem):
    """422: the problem body, with the fields that failed when the request did not validate."""

    errors: list[ValidationError] | None = None


_ADDED: dict[int, str] = {
    400: "bad_request: the body cannot be read (not UTF-8, or a broken form)",
    401: "unauthorized: a bearer token that does not verify (expired, wrong key, audience or issuer)",
    413: "body_too_large",
    429: "rate_limited: an abuse limit for this principal or address is spent; see Retry-After",
}
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds until the limit admits it", "schema": {"type": "integer"}}
}


def _component_schemas(openapi: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = openapi.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, ValidationError, ValidationProblem):
        schema = model.model_json_schema(ref_template=_REF + "{model}")
        schema.pop("$defs", None)
        schemas[model.__name__] = schema
    schemas.pop("HTTPValidationError", None)
    return schemas


def _problem_content(status: int) -> dict[str, Any]:
    name = "ValidationProblem" if status == 422 else "Problem"
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _REF + name}}}


def _document_statuses(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    needed = [429]
    if operation.get("security"):
        needed.append(401)
    if "requestBody" in operation:
        needed += [400, 413]
    for status in needed:
        responses.setdefault(str(status), {"description": _ADDED[status]})
    for code, response in responses.items():
        if code.isdigit() and int(code) >= 400:
            response["content"] = _problem_content(int(code))
            if not response.get("description"):
                response["description"] = "problem"
    responses["429"].setdefault("headers", _RETRY_AFTER)


def _cap_page_size(schema: dict[str, Any], cap: int) -> None:
    if schema.pop(PAGE_SIZE_CAP, None):
        for branch in schema.get("anyOf", [schema]):
            if branch.get("type") == "integer":
                branch["maximum"] = cap


def _document_parameters(operation: dict[str, Any], page_size_cap: int) -> None:
    for parameter in operation.get("parameters", []):
        _cap_page_size(parameter.get("schema", {}), page_size_cap)
        if parameter.get("in") != "header":
            continue
        if parameter["name"] == "If-Match":
            parameter["required"] = True
            parameter["schema"] = {"type": "string", "minLength": 1, "maxLength": 200}
        elif parameter["name"] == "Idempotency-Key":
            parameter["schema"] = {"type": "string", "pattern": KEY_PATTERN.pattern}


def tell_the_truth(openapi: dict[str, Any], page_size_cap: int) -> dict[str, Any]:
    """Rewrite a generated document in place so its errors and headers are what the app serves."""
    _component_schemas(openapi)
    for path_item in openapi.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in ("get", "put", "post", "patch", "delete", "head", "options"):
                _document_statuses(operation)
                _document_parameters(operation, page_size_cap)
    return openapi


def document_the_contract(app: FastAPI) -> None:
    """Make `app.openapi()` return the rewritten document (generated once, then cached like FastAPI's)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = generate()
        return tell_the_truth(schema, app.state.settings.http.page_size_max) if fresh else schema

    app.openapi = openapi  # type: ignore[method-assign]
