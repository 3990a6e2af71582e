"""Every route of both services, called as every kind of principal, answers as its row in the policy
table says (tests/security/policy.py): success for those who may, 401/403/404 for everyone else, and
lists that show the owner's records only to those who may see them.

`MATRIX_RECORD=/tmp/matrix.jsonl` writes what each principal got instead of checking (every route
served, with or without a row; every signed-in principal treated as allowed): a draft for a new row.
"""

import json
import os

import httpx
import pytest
from fastapi import FastAPI

from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.postings.config import PostingsSettings
from services.postings.main import create_app as create_postings
from tests.security.matrix import call, console_routes, openapi_routes, status_of
from tests.security.policy import POLICY, Rule
from tests.security.targets import target_for
from tests.security.world import ANONYMOUS, PRINCIPALS, World

RECORD = os.environ.get("MATRIX_RECORD")


def served_routes(postings: FastAPI, matching: FastAPI) -> set[str]:
    """`service METHOD /path` of every operation in both OpenAPI documents and every console page."""
    return openapi_routes("postings", postings) | openapi_routes("matching", matching) | console_routes()


def _all_routes() -> list[str]:
    postings = create_postings(PostingsSettings(database_url="sqlite+aiosqlite://"), background=False)
    return sorted(
        served_routes(postings, create_matching(MatchingSettings(database_url="sqlite+aiosqlite://")))
    )


ROUTES = _all_routes() if RECORD else sorted(POLICY)


def test_every_route_has_a_row_and_every_row_a_route(world: World) -> None:
    served = served_routes(world.postings_app, world.matching_app)
    rows = {key.split(" [", 1)[0] for key in POLICY}  # "… [draft]": a second row on another resource
    assert not served - rows, f"routes without a row in tests/security/policy.py: {sorted(served - rows)}"
    assert not rows - served, f"rows for routes that do not exist: {sorted(rows - served)}"


@pytest.mark.parametrize("route", ROUTES)
async def test_route_answers_every_principal_as_its_row_says(world: World, route: str) -> None:
    row = POLICY.get(route)
    allowed = [p for p in PRINCIPALS if (p in row.may if row else p != ANONYMOUS)]
    changes = route.split(" ", 2)[1] != "GET"
    world.clock.set(world.base)
    shared = await target_for(world, route)
    answers = {}
    # Those who may not call first, on one resource; each who may on a fresh one when the call changes it.
    for principal in [*(p for p in PRINCIPALS if p not in allowed), *allowed]:
        target = await target_for(world, route) if changes and principal in allowed else shared
        answers[principal] = await call(world, route, target, principal)
        world.clock.set(world.base)
    if RECORD or row is None:
        _record(world, route, answers)
        return
    wrong = _mismatches(world, row, answers)
    assert not wrong, f"{route}:\n  " + "\n  ".join(wrong)


def _mismatches(world: World, row: Rule, answers: dict[str, httpx.Response]) -> list[str]:
    wrong = []
    for principal, response in answers.items():
        expected, got = row.expected(principal), status_of(response)
        if got != expected:
            wrong.append(f"{principal}: expected {expected}, got {got} {response.text[:300]}")
        elif row.item is not None and row.sees is not None and got == 200:
            found = world.ids[row.item] in response.text
            if found != (principal in row.sees):
                wrong.append(f"{principal}: {'sees' if found else 'does not see'} {row.item} in the list")
    return wrong


def _record(world: World, route: str, answers: dict[str, httpx.Response]) -> None:
    assert RECORD, f"{route} has no row in tests/security/policy.py"
    seen = {
        p: [k for k, v in world.ids.items() if v in r.text]
        for p, r in answers.items()
        if r.status_code == 200
    }
    line = {
        "route": route,
        "statuses": {p: status_of(r) for p, r in answers.items()},
        "problems": {p: r.text[:300] for p, r in answers.items() if r.status_code >= 400},
        "seen": seen,
    }
    with open(RECORD, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
