"""Every route of both services, called as every kind of principal, answers as its row in the policy
table says (tests/security/policy.py): success for those who may, 401/403/404 for everyone else."""

import json
import os
from datetime import timedelta

import pytest

from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.postings.config import PostingsSettings
from services.postings.main import create_app as create_postings
from tests.security.matrix import call, console_routes, openapi_routes, status_of
from tests.security.policy import POLICY
from tests.security.targets import target_for
from tests.security.world import PRINCIPALS, World

RECORD = os.environ.get("MATRIX_RECORD")


def served_routes() -> set[str]:
    postings = create_postings(PostingsSettings(database_url="sqlite+aiosqlite://"), background=False)
    matching = create_matching(MatchingSettings(database_url="sqlite+aiosqlite://"))
    return openapi_routes("postings", postings) | openapi_routes("matching", matching) | console_routes()


ROUTES = sorted(served_routes()) if RECORD else sorted(POLICY)


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    served = served_routes()
    rows = {key.split(" [", 1)[0] for key in POLICY}  # "… [draft]": a second row on another resource
    assert not served - rows, f"routes without a row in tests/security/policy.py: {sorted(served - rows)}"
    assert not rows - served, f"rows for routes that do not exist: {sorted(rows - served)}"


@pytest.mark.parametrize("route", ROUTES)
async def test_route_answers_every_principal_as_its_row_says(world: World, route: str) -> None:
    world.clock.set(world.base)
    method = route.split(" ", 2)[1]
    row = POLICY.get(route)
    allowed = [p for p in PRINCIPALS if (row is None and p != "anonymous") or (row is not None and p in row.may)]
    others = [p for p in PRINCIPALS if p not in allowed]
    shared = await target_for(world, route)
    answers = {}
    for principal in [*others, *allowed]:
        target = shared
        if method != "GET" and principal in allowed:
            world.clock.set(world.base)
            target = await target_for(world, route)
        answers[principal] = await call(world, route, target, principal)
        world.clock.set(world.base)
    if RECORD:
        with open(RECORD, "a", encoding="utf-8") as out:
            out.write(json.dumps({"route": route, "statuses": {p: r.status_code for p, r in answers.items()},
                                  "bodies": {p: r.text[:200] for p, r in answers.items() if r.status_code >= 400},
                                  "seen": {p: [k for k, v in world.ids.items() if v in r.text] for p, r in answers.items() if r.status_code == 200}}, ensure_ascii=False) + "\n")
        return
    assert row is not None
    wrong = []
    for principal, response in answers.items():
        expected, got = row.expected(principal), status_of(response)
        if got != expected:
            wrong.append(f"{principal}: expected {expected}, got {got} {response.text[:300]}")
        elif row.item is not None and row.sees is not None and response.status_code == 200:
            found = world.ids[row.item] in response.text
            if found != (principal in row.sees):
                wrong.append(f"{principal}: {'sees' if found else 'does not see'} {row.item} in the list")
    assert not wrong, f"{route}:\n  " + "\n  ".join(wrong)
