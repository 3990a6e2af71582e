"""Stage 2: the soft factors, their sum, and the reasons."""

import math
from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from services.matching.contracts import Match, PayExpectation
from services.matching.ranking import synthetic
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder
from services.matching.ranking.weights import FACTORS, WEIGHTS
from tests.matching.ranking.conftest import NOW, iso, posting, seeker, shift

MakeRanker = Callable[[Sequence[dict[str, Any]]], Ranker]


def contribution(match: Match, factor: str) -> float:
    return next(c.value for c in match.contributions if c.factor == factor)


def by_id(ranker: Ranker, **fields: Any) -> dict[str, Match]:
    return {m.posting_id: m for m in ranker.rank(seeker(**fields), 50)}


def test_contributions_sum_exactly_to_the_score(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build(synthetic.postings(3000, seed=1, now=NOW))
    ranker = Ranker(index)
    matches = [m for q in synthetic.seekers(200, seed=2, now=NOW) for m in ranker.rank(q, 20)]
    assert len(matches) > 500
    for m in matches:
        assert math.isclose(sum(c.value for c in m.contributions), m.score, rel_tol=0, abs_tol=1e-9)


def test_every_factor_contributes_within_its_weight(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build(synthetic.postings(2000, seed=3, now=NOW))
    ranker = Ranker(index)
    for q in synthetic.seekers(100, seed=4, now=NOW):
        for m in ranker.rank(q, 20):
            assert [c.factor for c in m.contributions] == list(FACTORS)
            for c in m.contributions:
                low, high = sorted((0.0, WEIGHTS.of(c.factor)))
                assert low - 1e-12 <= c.value <= high + 1e-12


def test_the_wanted_occupation_ranks_first(make_ranker: MakeRanker) -> None:
    ranker = make_ranker(
        [posting("保洁员", posting_id="clean", km=0.5), posting("电焊工", posting_id="weld", km=3)]
    )
    assert [m.posting_id for m in ranker.rank(seeker(desired_text="焊工"))] == ["weld", "clean"]


def test_a_picked_code_counts_as_an_exact_match(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting("电焊工", posting_id="weld", occupation_code="6-18-02-04")])
    picked = ranker.rank(seeker(desired_text="", occupation_codes=("6-18-02-04",)))[0]
    assert contribution(picked, "occupation_fit") > 0.9 * WEIGHTS.occupation_fit
    assert picked.reasons[1].zh == "正是您选的职业：焊工"


def test_a_picked_code_of_the_same_minor_group_counts_half(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting("装卸工", posting_id="a", occupation_code="4-02-05-01")])
    same = ranker.rank(seeker(desired_text="", occupation_codes=("4-02-05-01",)))[0]
    group = ranker.rank(seeker(desired_text="", occupation_codes=("4-02-05-02",)))[0]
    assert contribution(group, "occupation_fit") < contribution(same, "occupation_fit")
    assert contribution(group, "occupation_fit") > 0


def test_nearer_scores_higher_on_distance(make_ranker: MakeRanker) -> None:
    found = by_id(make_ranker([posting(posting_id="near", km=1), posting(posting_id="far", km=6)]))
    assert contribution(found["near"], "distance") > contribution(found["far"], "distance")


def test_pay_is_compared_across_units(make_ranker: MakeRanker) -> None:
    # 4350 a month = 25 an hour (21.75 days × 8 h): an hourly 25 meets it exactly (value 0.5)
    found = by_id(
        make_ranker([posting(posting_id="h", pay={"min": "25", "max": None, "unit": "hour"})]),
        pay_expectation=PayExpectation(Decimal("4350"), "month"),
    )
    assert contribution(found["h"], "pay") == pytest.approx(0.5 * WEIGHTS.pay)


def test_better_pay_scores_higher(make_ranker: MakeRanker) -> None:
    ranker = make_ranker(
        [
            posting(posting_id="low", pay={"min": "150", "max": None, "unit": "day"}),
            posting(posting_id="high", pay={"min": "6000", "max": "7000", "unit": "month"}),
        ]
    )
    found = by_id(ranker, pay_expectation=PayExpectation(Decimal("200"), "day"))
    assert contribution(found["high"], "pay") > contribution(found["low"], "pay")


def test_piece_rates_and_no_expectation_are_neutral(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="piece", pay={"min": "2", "max": None, "unit": "piece"})])
    with_expectation = by_id(ranker, pay_expectation=PayExpectation(Decimal("200"), "day"))["piece"]
    without = by_id(ranker)["piece"]
    assert contribution(with_expectation, "pay") == contribution(without, "pay") == 0.5 * WEIGHTS.pay


def test_accommodations_asked_for_and_offered_count(make_ranker: MakeRanker) -> None:
    ranker = make_ranker(
        [posting(posting_id="a", accommodations=["step_free", "seated_work"]), posting(posting_id="b")]
    )
    found = by_id(ranker, accommodations=frozenset({"step_free"}))
    assert contribution(found["a"], "accommodations") == WEIGHTS.accommodations
    assert contribution(found["b"], "accommodations") == 0.0
    assert "提供您需要的：无障碍通道" in [r.zh for r in found["a"].reasons]


def test_accommodations_not_asked_for_do_not_count(make_ranker: MakeRanker) -> None:
    found = by_id(make_ranker([posting(posting_id="a", accommodations=["step_free"])]))
    assert contribution(found["a"], "accommodations") == 0.0


def test_experience_short_of_the_requirement_scores_lower(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="senior", experience_years=4)])
    assert contribution(by_id(ranker, experience_years=1)["senior"], "experience") == WEIGHTS.experience / 4
    assert contribution(by_id(ranker, experience_years=6)["senior"], "experience") == WEIGHTS.experience


def test_employer_reliability_is_neutral_unless_known(make_ranker: MakeRanker) -> None:
    record = {"paid_on_time": 18, "paid_after_dispute": 0, "unpaid_disputed": 0}
    ranker = make_ranker(
        [
            posting(
                posting_id="known",
                employer_id="11111111-1111-4111-8111-111111111111",
                employer_reliability=record,
            ),
            posting(posting_id="new", employer_id="22222222-2222-4222-8222-222222222222"),
        ]
    )
    found = by_id(ranker)
    assert contribution(found["new"], "reliability") == 0.5 * WEIGHTS.reliability
    assert contribution(found["known"], "reliability") == pytest.approx(19 / 20 * WEIGHTS.reliability)


def test_reliability_from_the_feed_applies_to_every_posting_of_the_employer(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="a")])
    ranker.index.set_employer_reliability("3f0c7a2e-1b7d-4a53-9d0e-5b7c2d9e8a11", 0.9)
    assert contribution(by_id(ranker)["a"], "reliability") == pytest.approx(0.9 * WEIGHTS.reliability)


def test_fresher_postings_score_higher(make_ranker: MakeRanker) -> None:
    old = posting(posting_id="old", published_at=iso(NOW - timedelta(days=20)))
    found = by_id(make_ranker([old, posting(posting_id="new")]))
    assert contribution(found["new"], "freshness") > contribution(found["old"], "freshness")


def test_a_flooded_gig_is_shown_less(make_ranker: MakeRanker) -> None:
    calm = posting(posting_id="calm", kind="gig", applicants=0)
    flooded = posting(posting_id="flooded", kind="gig", applicants=40)
    ranked = make_ranker([flooded, calm]).rank(seeker())
    assert [m.posting_id for m in ranked] == ["calm", "flooded"]
    assert contribution(ranked[1], "congestion") == WEIGHTS.congestion


def test_more_fitting_shifts_score_higher_on_schedule(make_ranker: MakeRanker) -> None:
    one = posting(posting_id="one", kind="gig", shifts=[shift(NOW + timedelta(days=1))])
    three = posting(
        posting_id="three", kind="gig", shifts=[shift(NOW + timedelta(days=d)) for d in (1, 2, 3)]
    )
    found = by_id(make_ranker([one, three]))
    assert contribution(found["three"], "schedule") == WEIGHTS.schedule
    assert contribution(found["one"], "schedule") == pytest.approx(WEIGHTS.schedule / 3)
    assert len(found["three"].shift_ids) == 3


def test_reasons_are_one_to_four_in_both_languages(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build(synthetic.postings(2000, seed=5, now=NOW))
    ranker = Ranker(index)
    for q in synthetic.seekers(100, seed=6, now=NOW):
        for m in ranker.rank(q, 20):
            assert 1 <= len(m.reasons) <= 4
            assert all(r.zh and r.en for r in m.reasons)


def test_distance_reason_says_how_far_and_how_long(make_ranker: MakeRanker) -> None:
    match = make_ranker([posting(km=1.2)]).rank(seeker(travel_mode="walk", max_commute_minutes=30))[0]
    assert (match.reasons[0].zh, match.reasons[0].en) == (
        "离家1.2公里，步行约21分钟",
        "1.2 km from home, about 21 min on foot",
    )


def test_certificate_reason_says_the_seeker_holds_it(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting("电焊工", certificates=["焊工证"])])
    match = ranker.rank(seeker(desired_text="焊工", certificates=frozenset({"welder"})))[0]
    assert (match.reasons[1].zh, match.reasons[1].en) == (
        "需要焊工证：您已持有",
        "Needs a welder's certificate: you have one",
    )


def test_ties_are_broken_the_same_way_every_time(make_ranker: MakeRanker) -> None:
    twins = [posting(posting_id=f"p{i}", km=2.0) for i in range(30)]
    ranker = make_ranker(twins)
    first = [m.posting_id for m in ranker.rank(seeker(), 10)]
    assert first == [m.posting_id for m in ranker.rank(seeker(), 10)]
