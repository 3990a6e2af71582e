"""The assignment against brute force on small random mornings: the same optimal total, no ineligible
pair, no shift past its free places; and the fairness term's shape."""

import itertools
from collections import Counter

import numpy as np
import numpy.typing as npt
import pytest

from services.matching.dispatch.solver import DAYS_CAP, DAYS_WEIGHT, PRIORITY_BOOST, fairness, solve

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
CASES = 300


def random_case(seed: int) -> tuple[F64, I64]:
    """Up to 6 workers and 4 shifts needing 1-3 workers; about a third of the pairs ineligible, some
    pairs worth less than nothing."""
    rng = np.random.default_rng(seed)
    workers, shifts = int(rng.integers(1, 7)), int(rng.integers(0, 5))
    value = rng.uniform(-0.2, 1.3, size=(workers, shifts))
    value[rng.random((workers, shifts)) < 0.35] = np.nan
    return value, rng.integers(0, 4, size=shifts).astype(np.int64)


def brute_force(value: F64, free: I64) -> float:
    """The best total over every way of giving each worker one shift or none."""
    workers, shifts = value.shape
    best = 0.0
    for choice in itertools.product([None, *range(shifts)], repeat=workers):
        used = Counter(c for c in choice if c is not None)
        if any(n > free[s] for s, n in used.items()):
            continue
        if any(c is not None and np.isnan(value[w, c]) for w, c in enumerate(choice)):
            continue
        best = max(best, sum(float(value[w, c]) for w, c in enumerate(choice) if c is not None))
    return best


def test_the_total_is_the_brute_force_optimum() -> None:
    for seed in range(CASES):
        value, free = random_case(seed)
        found = solve(value, free)
        assert found.total == pytest.approx(brute_force(value, free), abs=1e-9), seed
        picked = sum(float(value[w, s]) for w, s in enumerate(found.shift_of) if s is not None)
        assert found.total == pytest.approx(picked, abs=1e-12)


def test_no_ineligible_pair_is_ever_assigned() -> None:
    for seed in range(CASES):
        value, free = random_case(seed)
        for w, s in enumerate(solve(value, free).shift_of):
            assert s is None or not np.isnan(value[w, s]), seed


def test_no_shift_gets_more_workers_than_its_free_places() -> None:
    for seed in range(CASES):
        value, free = random_case(seed)
        used = Counter(s for s in solve(value, free).shift_of if s is not None)
        assert all(n <= free[s] for s, n in used.items()), seed


def test_a_pair_worth_less_than_nothing_is_left_for_no_job() -> None:
    found = solve(np.array([[-0.1, np.nan], [0.4, 0.2]]), np.array([1, 1]))
    assert found.shift_of == (None, 0)


def test_a_shift_needing_three_takes_its_three_best_workers() -> None:
    value = np.array([[0.9], [0.5], [0.8], [0.7], [np.nan]])
    assert solve(value, np.array([3])).shift_of == (0, None, 0, 0, None)


def test_nobody_here_and_no_shifts_are_empty_assignments() -> None:
    assert solve(np.zeros((0, 2)), np.array([1, 1])).shift_of == ()
    assert solve(np.zeros((3, 0)), np.zeros(0, dtype=np.int64)).shift_of == (None, None, None)


def test_fairness_grows_with_days_without_work_up_to_a_cap_and_priority_adds_a_fixed_boost() -> None:
    assert fairness(0, False) == 0.0
    assert fairness(1, False) < fairness(3, False) < fairness(DAYS_CAP, False)
    assert fairness(DAYS_CAP + 30, False) == fairness(DAYS_CAP, False) == fairness(None, False) == DAYS_WEIGHT
    assert fairness(2, True) == pytest.approx(fairness(2, False) + PRIORITY_BOOST)
