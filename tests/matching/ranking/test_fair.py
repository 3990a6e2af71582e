"""FA*IR: the binomial prefix table, its α adjustment, and the re-ranking that meets it."""

import itertools
import random

import pytest
from scipy.stats import binom

from services.matching.ranking.fair import adjusted_alpha, fail_probability, fair_order, minimum_table, mtable


def protected_counts(order: list[int], protected: list[bool]) -> list[int]:
    return list(itertools.accumulate(int(protected[i]) for i in order))


def test_table_is_the_binomial_quantile() -> None:
    assert mtable(10, 0.5, 0.1) == tuple(int(binom.ppf(0.1, i, 0.5)) for i in range(1, 11))
    assert mtable(6, 0.5, 0.1) == (0, 0, 0, 1, 1, 1)


def test_fail_probability_agrees_with_enumeration() -> None:
    p, table = 0.4, mtable(8, 0.4, 0.2)
    failed = 0.0
    for bits in itertools.product((0, 1), repeat=8):
        counts = list(itertools.accumulate(bits))
        if any(c < need for c, need in zip(counts, table, strict=True)):
            failed += p ** sum(bits) * (1 - p) ** (8 - sum(bits))
    assert fail_probability(table, p) == pytest.approx(failed, abs=1e-12)


@pytest.mark.parametrize(("k", "p", "alpha"), [(20, 0.3, 0.1), (50, 0.5, 0.1), (100, 0.2, 0.05)])
def test_adjusted_alpha_keeps_the_family_wise_error_at_alpha(k: int, p: float, alpha: float) -> None:
    corrected = adjusted_alpha(k, p, alpha)
    assert 0 < corrected <= alpha
    assert fail_probability(mtable(k, p, corrected), p) <= alpha + 1e-12
    assert fail_probability(mtable(k, p, alpha), p) > alpha  # testing k prefixes needs the correction


@pytest.mark.parametrize("adjust", [True, False])
def test_every_prefix_meets_the_table_when_protected_score_lower(adjust: bool) -> None:
    rng = random.Random(31)
    k, p, alpha = 50, 0.4, 0.1
    protected = [rng.random() < 0.3 for _ in range(300)]
    scores = [rng.random() * (0.5 if prot else 1.0) for prot in protected]  # protected: a lower score
    order = fair_order(scores, protected, k, p, alpha, adjust)
    alpha_used = adjusted_alpha(k, p, alpha) if adjust else alpha
    need = [int(binom.ppf(alpha_used, i, p)) for i in range(1, k + 1)]
    counts = protected_counts(order, protected)
    assert len(order) == k
    assert all(c >= m for c, m in zip(counts, need, strict=True))
    assert any(m > 0 for m in need)


def test_without_protected_candidates_the_order_is_the_score_order() -> None:
    rng = random.Random(32)
    scores = [rng.random() for _ in range(200)]
    order = fair_order(scores, [False] * 200, 50, 0.3, 0.1)
    assert order == sorted(range(200), key=lambda i: -scores[i])[:50]


def test_protected_candidates_keep_their_order_among_themselves() -> None:
    rng = random.Random(33)
    protected = [rng.random() < 0.3 for _ in range(200)]
    scores = [rng.random() * (0.3 if prot else 1.0) for prot in protected]
    order = fair_order(scores, protected, 60, 0.5, 0.1)
    for group in (True, False):
        mine = [scores[i] for i in order if protected[i] == group]
        assert mine == sorted(mine, reverse=True)


def test_a_list_already_fair_is_unchanged() -> None:
    scores = [10 - i for i in range(10)]
    protected = [i % 2 == 0 for i in range(10)]
    assert fair_order(scores, protected, 10, 0.5, 0.1) == list(range(10))


def test_too_few_protected_candidates_fill_with_the_rest() -> None:
    protected = [False] * 20 + [True]
    scores = [1.0] * 20 + [0.0]
    order = fair_order(scores, protected, 10, 0.5, 0.1)
    assert 20 in order[:5]
    assert sorted(order) == sorted(set(order))
    assert len(order) == 10


@pytest.mark.parametrize(("p", "alpha"), [(0.0, 0.1), (1.0, 0.1), (0.5, 0.0), (0.5, 1.0)])
def test_p_and_alpha_must_be_proper_fractions(p: float, alpha: float) -> None:
    with pytest.raises(ValueError, match="between"):
        minimum_table(10, p, alpha)
