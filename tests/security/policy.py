"""The authorization policy: one row per route (service, method, path template) — who may call it,
with what success status, and what everyone else gets. `test_authorization_matrix.py` calls every
route as every principal and compares each answer with its row; a route without a row (or a row
without a route) fails the test. How to read and add a row: docs/security.md, "Authorization matrix".
"""

from collections.abc import Mapping
from dataclasses import dataclass

from tests.security.world import PRINCIPALS

SIGNED_IN = " ".join(p for p in PRINCIPALS if p != "anonymous")
EVERYONE = " ".join(PRINCIPALS)


@dataclass(frozen=True)
class Rule:
    ok: int  # the success status of those who may
    may: frozenset[str]  # the principals who get `ok`
    hidden: frozenset[str]  # the principals who get 404: the resource's existence must not leak to them
    refused: int  # everyone else who is signed in (403; on console pages 303, to the sign-in page)
    anonymous: int  # no token (401; console pages 303)
    sees: frozenset[str] | None  # list routes: who finds the owner's `item` in the answer (others must not)
    item: str | None  # the world's id a list is checked for
    but: Mapping[str, int]  # a principal whose answer differs from what the rest of its group gets

    def expected(self, principal: str) -> int:
        if principal in self.but:
            return self.but[principal]
        if principal in self.may:
            return self.ok
        if principal in self.hidden:
            return 404
        return self.anonymous if principal == "anonymous" else self.refused


def _names(spec: str) -> frozenset[str]:
    names = frozenset(spec.split())
    unknown = names - set(PRINCIPALS)
    assert not unknown, f"unknown principals {sorted(unknown)}"
    return names


def rule(
    ok: int,
    may: str,
    *,
    hidden: str = "",
    refused: int = 403,
    anonymous: int = 401,
    sees: str | None = None,
    item: str | None = None,
    but: Mapping[str, int] | None = None,
) -> Rule:
    _names(" ".join(but or {}))
    seen = _names(sees) if sees is not None else None
    return Rule(ok, _names(may), _names(hidden), refused, anonymous, seen, item, dict(but or {}))


POLICY: dict[str, Rule] = {}
