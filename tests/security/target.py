"""What a route is called on (`Target`), and the shared resources a route without a setup uses."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.world import S1, SEEKER_A, World


@dataclass
class Target:
    path: dict[str, str] = field(default_factory=dict)
    json: Any = None
    params: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    seeker: str = SEEKER_A  # the seeker the resource belongs to ("seeker" principal's subject)
    content: bytes | None = None
    bodies: dict[str, Any] = field(default_factory=dict)  # a principal's own body, when it differs
    form: dict[str, str] | None = None  # console pages: the posted form (the CSRF token is added)


Setup = Callable[[World], Awaitable[Target]]


def shared(w: World, **over: str) -> dict[str, str]:
    """Every path parameter a route may have, on the world's shared resources."""
    ids = {
        "employer_id": w.ids["employer_id"],
        "posting_id": w.ids["posting_id"],
        "application_id": w.ids["application_id"],
        "shift_id": w.ids["shift_id"],
        "engagement_id": w.ids["engagement_id"],
        "appeal_id": w.ids["appeal_id"],
        "dispute_id": w.ids["dispute_id"],
        "sub": SEEKER_A,
        "seeker_id": SEEKER_A,
        "case_id": w.ids["case_id"],
        "household_id": w.ids["household_id"],
        "plan_id": w.ids["plan_id"],
        "alert_id": w.ids.get("alert_id", "1"),
        "override_id": w.ids["override_id"],
        "placement_id": w.ids["placement_id"],
        "station_id": S1,
        "purpose": "sensitive_for_priority_help",
        "name": "console.css",
    }
    return ids | over


def fresh_seeker_id() -> str:
    return f"s-{uuid.uuid4().hex[:10]}"


def body(json: Any) -> Setup:
    async def setup(w: World) -> Target:
        return Target(shared(w), json)

    return setup


def params(**query: str) -> Setup:
    async def setup(w: World) -> Target:
        return Target(shared(w), params=query)

    return setup
