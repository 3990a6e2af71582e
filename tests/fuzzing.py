"""Mutation fuzzing shared by the contract tests: a valid OpenAPI example with one value broken."""

import copy
import random
import uuid
from typing import Any

import httpx

# Values no schema field should take where it is found: wrong types, bounds, encodings, injections.
MUTANTS: list[Any] = [
    None,
    "",
    "\u0000",
    "x" * 6000,
    -1,
    0,
    10**12,
    2**63,  # one past what a BIGINT column (and SQLite's INTEGER) holds
    -(2**64),
    1.5e308,
    True,
    [],
    {},
    [1, "a"],
    {"k": "v"},
    "2026-13-45T99:00:00",
    "🙂" * 300,
    "../../etc/passwd",
    "<script>",
    "'; DROP TABLE postings; --",
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            out += _paths(child, (*prefix, i))
    return out


def mutate(example: dict[str, Any], rng: random.Random, mutants: list[Any] = MUTANTS) -> Any:
    """A copy of `example` with one value, at any depth, replaced by a mutant (or, 1 in 5, removed);
    or the whole body replaced when it has no values."""
    doc = copy.deepcopy(example)
    path = rng.choice(_paths(doc)[1:] or [()])
    if not path:
        return rng.choice(mutants)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if rng.random() < 0.2 and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = rng.choice(mutants)
    return doc


# Numbers no integer or number parameter should reach a query with: past BIGINT both ways, a huge float.
EXTREME_NUMBERS: list[int | float] = [2**63, -(2**63) - 1, 1e308]


def extreme_query_requests(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, query) for every operation and every integer or number query parameter in an
    OpenAPI document, once per extreme number; path parameters get a well-formed value (a fresh UUID
    where the schema says uuid), so the request reaches the operation."""
    out = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            params = op.get("parameters", [])
            url = path
            for p in params:
                if p["in"] == "path":
                    fmt = p.get("schema", {}).get("format")
                    url = url.replace("{" + p["name"] + "}", str(uuid.uuid4()) if fmt == "uuid" else "x")
            for p in params:
                schema = p.get("schema", {})
                types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
                if p["in"] == "query" and types & {"integer", "number"}:
                    out += [(method.upper(), url, {p["name"]: value}) for value in EXTREME_NUMBERS]
    return out


Answer = tuple[str, str, str, dict[str, Any], int]  # role, method, url, query, status


async def extreme_query_answers(
    client: httpx.AsyncClient, spec: dict[str, Any], headers_by_role: dict[str, dict[str, str]]
) -> tuple[int, list[Answer]]:
    """Every `extreme_query_requests` request of `spec`, sent as each role: (how many requests per role,
    each request's answer)."""
    requests = extreme_query_requests(spec)
    answers = []
    for role, headers in headers_by_role.items():
        for method, url, params in requests:
            response = await client.request(method, url, params=params, headers=headers)
            answers.append((role, method, url, params, response.status_code))
    return len(requests), answers
