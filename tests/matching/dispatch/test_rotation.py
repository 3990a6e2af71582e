"""The fairness term over a week of simulated mornings: the same six workers come every day for two
places; the best matches would take every place every day, the days since last work rotate them."""

import numpy as np

from services.matching.dispatch.solver import fairness, solve

SCORES = np.array([0.80, 0.78, 0.70, 0.66, 0.62, 0.60])  # worker 0 is everyone's best match
PLACES = np.array([2])
DAYS = 7


def week(with_fairness: bool) -> list[set[int]]:
    """Who got work on each of seven mornings, each morning's days-since-work taken from the last."""
    last: dict[int, int] = {}
    worked: list[set[int]] = []
    for day in range(DAYS):
        bonus = [
            fairness(day - last[w] if w in last else None, False) if with_fairness else 0.0 for w in range(6)
        ]
        value = (SCORES + np.array(bonus))[:, None]
        got = {w for w, s in enumerate(solve(value, PLACES).shift_of) if s is not None}
        for w in got:
            last[w] = day
        worked.append(got)
    return worked


def test_without_fairness_the_best_two_take_every_morning() -> None:
    assert all(got == {0, 1} for got in week(with_fairness=False))


def test_with_fairness_who_gets_work_changes_as_days_without_work_grow() -> None:
    worked = week(with_fairness=True)
    assert worked[0] == {0, 1}  # nobody has worked yet: the best matches
    assert worked[1] == {2, 3}  # yesterday's two are 1 day without work, the others never worked
    assert worked[2] == {4, 5}
    assert all(worked[d] != worked[d + 1] for d in range(DAYS - 1))
    days_worked = [sum(w in got for got in worked) for w in range(6)]
    assert min(days_worked) >= 1  # everyone works in the week ...
    assert max(days_worked) < DAYS  # ... and not even the best match works every morning
