"""Staff overrides: pin a posting to the top of a seeker's list or hide it, always with a reason.

The caller records each override (who, when, why); this only applies them. A pin reorders a match that
is already there: it never brings in a posting the hard rules exclude (Ranker.rank_with_overrides looks
up pinned postings outside the top k with `explain`, which applies the same rules).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from services.matching.contracts import Match

OverrideAction = Literal["pin", "hide"]


@dataclass(frozen=True, slots=True)
class Override:
    posting_id: str
    action: OverrideAction
    reason: str
    staff_sub: str
    at: datetime


def latest(overrides: Iterable[Override]) -> dict[str, Override]:
    """The newest override per posting (a later pin undoes a hide and the other way round)."""
    out: dict[str, Override] = {}
    for o in sorted(overrides, key=lambda o: o.at):
        out[o.posting_id] = o
    return out


def _marked(match: Match, o: Override) -> Match:
    note = {"action": o.action, "reason": o.reason, "staff_sub": o.staff_sub, "at": o.at.isoformat()}
    return replace(match, extra={**match.extra, "override": note})


def apply_overrides(matches: Sequence[Match], overrides: Iterable[Override]) -> list[Match]:
    """Hidden postings leave the list; pinned ones come first (newest pin first), the rest keep their
    order. Scores and contributions are untouched; overridden matches say so in `extra["override"]`."""
    by_posting = latest(overrides)
    pinned: list[tuple[datetime, int, Match]] = []
    rest: list[Match] = []
    for n, m in enumerate(matches):
        o = by_posting.get(m.posting_id)
        if o is None:
            rest.append(m)
        elif o.action == "pin":
            pinned.append((o.at, n, _marked(m, o)))
        elif o.action != "hide":
            raise ValueError(f"unknown override action: {o.action}")
    pinned.sort(key=lambda item: (-item[0].timestamp(), item[1]))
    return [m for _, _, m in pinned] + rest
