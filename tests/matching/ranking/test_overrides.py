"""Staff overrides: pin and hide, with the reason kept on the result."""

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import pytest

from services.matching.contracts import Contribution, Match
from services.matching.ranking.overrides import Override, apply_overrides
from services.matching.ranking.ranker import Ranker
from tests.matching.ranking.conftest import NOW, posting, seeker

MakeRanker = Callable[[Sequence[dict[str, Any]]], Ranker]


def match(posting_id: str, score: float) -> Match:
    return Match(
        posting_id=posting_id, score=score, contributions=(Contribution("distance", score),), reasons=()
    )


def override(posting_id: str, action: str, minutes: int = 0) -> Override:
    return Override(posting_id, action, "站内推荐", "staff-7", NOW + timedelta(minutes=minutes))  # type: ignore[arg-type]


MATCHES = [match("a", 0.9), match("b", 0.8), match("c", 0.7)]


def test_hide_removes_the_posting() -> None:
    assert [m.posting_id for m in apply_overrides(MATCHES, [override("b", "hide")])] == ["a", "c"]


def test_pin_moves_the_posting_first() -> None:
    assert [m.posting_id for m in apply_overrides(MATCHES, [override("c", "pin")])] == ["c", "a", "b"]


def test_newest_pin_comes_first() -> None:
    pins = [override("b", "pin", 1), override("c", "pin", 2)]
    assert [m.posting_id for m in apply_overrides(MATCHES, pins)] == ["c", "b", "a"]


def test_the_latest_override_of_a_posting_wins() -> None:
    assert [
        m.posting_id for m in apply_overrides(MATCHES, [override("b", "hide", 1), override("b", "pin", 2)])
    ][0] == "b"
    assert "b" not in [
        m.posting_id for m in apply_overrides(MATCHES, [override("b", "pin", 1), override("b", "hide", 2)])
    ]


def test_an_overridden_match_says_so_and_keeps_its_score() -> None:
    pinned = apply_overrides(MATCHES, [override("c", "pin")])[0]
    assert pinned.extra["override"] == {
        "action": "pin",
        "reason": "站内推荐",
        "staff_sub": "staff-7",
        "at": NOW.isoformat(),
    }
    assert pinned.score == 0.7
    assert pinned.contributions == MATCHES[2].contributions
    assert "override" not in apply_overrides(MATCHES, [override("c", "pin")])[1].extra


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown override action"):
        apply_overrides(MATCHES, [override("a", "boost")])


def test_a_pin_brings_in_an_eligible_posting_from_beyond_the_top_k(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id=f"p{i}", km=1 + i) for i in range(5)])
    ranked = ranker.rank_with_overrides(seeker(), 2, [override("p4", "pin")])
    assert [m.posting_id for m in ranked] == ["p4", "p0"]


def test_a_pin_never_overrules_a_hard_rule(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="ok"), posting(posting_id="weld", certificates=["welder"])])
    ranked = ranker.rank_with_overrides(seeker(), 5, [override("weld", "pin")])
    assert [m.posting_id for m in ranked] == ["ok"]
