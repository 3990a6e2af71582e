"""An employer's candidates: the same pair factors as the seeker side, eligibility, and FA*IR."""

import dataclasses
import itertools
import math
import random

import pytest
from scipy.stats import binom

from services.matching.contracts import SeekerQuery
from services.matching.ranking import synthetic
from services.matching.ranking.candidates import Candidate, SeekerPool, employer_view, rank_candidates
from services.matching.ranking.fair import adjusted_alpha
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ltr.model import LearnedRanker
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder
from services.matching.ranking.weights import CANDIDATE_FACTORS
from tests.matching.ranking.conftest import NOW, offset, posting, seeker
from tests.matching.ranking.ltr_model import trained_model

T = NOW.timestamp()


def crowd(n: int, seed: int, share_protected: float = 0.0) -> list[SeekerQuery]:
    """n seekers within 8 km of the default posting, some of them priority-group members."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lat, lng = offset(36.6512, 117.1201, rng.uniform(-6, 6), rng.uniform(-6, 6))
        text = rng.choice(("装卸工", "搬运", "保洁", "仓库管理", "厨师", ""))
        groups = frozenset({"veteran"}) if rng.random() < share_protected else frozenset()
        out.append(seeker(seeker_id=f"s{i}", lat=lat, lng=lng, desired_text=text, priority_groups=groups,
                          experience_years=rng.randint(0, 5)))  # fmt: skip
    return out


def test_candidate_contributions_equal_the_seeker_side_match(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    snapshots = list(synthetic.postings(300, seed=41, now=NOW))
    index.build(snapshots)
    ranker = Ranker(index)
    people = synthetic.seekers(3000, seed=42, now=NOW)
    by_id = {q.seeker_id: q for q in people}
    pool = SeekerPool(people, encoder)
    checked = 0
    for snap in snapshots[:100]:
        for cand in rank_candidates(snap, pool, 20, now=T):
            match = ranker.explain(by_id[cand.seeker_id], snap["id"], now=T).match
            assert match is not None
            seeker_side = {c.factor: c.value for c in match.contributions}
            for c in cand.contributions:
                assert math.isclose(c.value, seeker_side[c.factor], rel_tol=0, abs_tol=1e-9)
                checked += 1
    assert checked > 1000


def test_candidate_score_is_the_sum_of_its_contributions(encoder: TextEncoder) -> None:
    cands = rank_candidates(posting(), crowd(200, 43), 50, encoder=encoder, now=T)
    assert cands
    for c in cands:
        assert [x.factor for x in c.contributions] == list(CANDIDATE_FACTORS)
        assert math.isclose(sum(x.value for x in c.contributions), c.score, rel_tol=0, abs_tol=1e-9)


def test_only_eligible_seekers_are_candidates(encoder: TextEncoder) -> None:
    people = [
        seeker(seeker_id="ok"),
        seeker(
            seeker_id="far", travel_mode="walk", max_commute_minutes=5, lat=offset(36.6512, 117.1201, 3)[0]
        ),
        seeker(seeker_id="child", age=15),
        seeker(seeker_id="minor", age=17),
        seeker(seeker_id="no-jobs", kinds=frozenset({"gig"})),
    ]
    heavy = posting(km=0.5, physical_demand="heavy")
    assert [c.seeker_id for c in rank_candidates(heavy, people, 10, encoder=encoder, now=T)] == ["ok"]


def test_certificates_and_reserved_posts_apply_to_candidates(encoder: TextEncoder) -> None:
    people = [
        seeker(seeker_id="plain"),
        seeker(seeker_id="welder", certificates=frozenset({"welder"})),
        seeker(seeker_id="certified", reserved_post_eligible=True, certificates=frozenset({"welder"})),
    ]
    weld = posting("电焊工", certificates=["welder"])
    welfare = posting("电焊工", certificates=["welder"], flags=["public_welfare"])
    assert {c.seeker_id for c in rank_candidates(weld, people, 10, encoder=encoder, now=T)} == {
        "welder",
        "certified",
    }
    assert [c.seeker_id for c in rank_candidates(welfare, people, 10, encoder=encoder, now=T)] == [
        "certified"
    ]


def test_a_closed_posting_has_no_candidates(encoder: TextEncoder) -> None:
    assert rank_candidates(posting(status="closed"), crowd(50, 44), 10, encoder=encoder, now=T) == []


def test_without_priority_members_candidates_come_in_score_order(encoder: TextEncoder) -> None:
    cands = rank_candidates(posting(), crowd(500, 45), 50, encoder=encoder, now=T)
    assert len(cands) == 50
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)


@pytest.fixture(params=["hand-set", "learned"])
def learned(request: pytest.FixtureRequest) -> LearnedRanker | None:
    """FA*IR holds whether the hand-set weights or the learned re-ranker order the candidates."""
    return trained_model() if request.param == "learned" else None


def test_priority_members_get_their_share_of_every_prefix(
    encoder: TextEncoder, learned: LearnedRanker | None
) -> None:
    people = crowd(1000, 46, share_protected=0.15)
    lowered = [dataclasses.replace(q, desired_text="") if q.priority_groups else q for q in people]
    k, p, alpha = 50, 0.3, 0.1
    cands = rank_candidates(posting(), lowered, k, p, alpha, encoder=encoder, now=T, learned=learned)
    members = {q.seeker_id for q in lowered if q.priority_groups}
    counts = list(itertools.accumulate(int(c.seeker_id in members) for c in cands))
    need = [int(binom.ppf(adjusted_alpha(k, p, alpha), i, p)) for i in range(1, k + 1)]
    assert all(c >= m for c, m in zip(counts, need, strict=True))
    assert len(cands) == k
    assert need[-1] > 0


def test_fair_reranking_lifts_members_above_a_plain_score_order(
    encoder: TextEncoder, learned: LearnedRanker | None
) -> None:
    people = crowd(1000, 47, share_protected=0.15)
    lowered = [dataclasses.replace(q, desired_text="") if q.priority_groups else q for q in people]
    nobody = [dataclasses.replace(q, priority_groups=frozenset()) for q in lowered]
    plain = rank_candidates(posting(), nobody, 50, encoder=encoder, now=T, learned=learned)
    fair = rank_candidates(posting(), lowered, 50, 0.3, 0.1, encoder=encoder, now=T, learned=learned)
    members = {q.seeker_id for q in lowered if q.priority_groups}
    assert sum(c.seeker_id in members for c in fair) > sum(c.seeker_id in members for c in plain)


def test_nothing_in_the_result_says_who_is_a_member(
    encoder: TextEncoder, learned: LearnedRanker | None
) -> None:
    names = {f.name for f in dataclasses.fields(Candidate)}
    assert names == {"seeker_id", "score", "contributions", "reasons", "extra"}
    people = crowd(300, 48, share_protected=0.3)
    cands = rank_candidates(posting(), people, 30, encoder=encoder, now=T, learned=learned)
    assert all(c.extra == {} for c in cands)
    view = employer_view(cands)
    assert all(set(v) == {"rank", "seeker_id", "reasons"} for v in view)


@pytest.mark.parametrize("k", [0, 1, 5])
def test_k_bounds_the_list(encoder: TextEncoder, k: int) -> None:
    assert len(rank_candidates(posting(), crowd(100, 49), k, encoder=encoder, now=T)) == k
