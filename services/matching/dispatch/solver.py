"""The assignment: workers to free slots (or to no job today), maximising total value, as one
rectangular assignment problem solved exactly by SciPy's `linear_sum_assignment`.

Each shift with `free` places becomes `free` identical slot columns; each worker also gets a "no job"
column worth 0; an ineligible pair costs +inf, so it can never be chosen (the no-job columns always leave
a feasible assignment). Maximising Σ value over the chosen pairs is minimising Σ −value.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

# Fairness: the days since the worker last got work, capped, and a boost for priority-group members, in
# the same units as the ranking's score (0..1); docs/dispatch.md gives the reasons for the sizes.
DAYS_CAP = 7
DAYS_WEIGHT = 0.30
PRIORITY_BOOST = 0.10


@dataclass(frozen=True, slots=True)
class Assignment:
    shift_of: tuple[int | None, ...]  # per worker: the shift's index, or None (no job today)
    total: float


def fairness(days_since_work: int | None, priority: bool) -> float:
    """What giving this worker work today is worth beyond the match itself (None: never had work here)."""
    days = DAYS_CAP if days_since_work is None else min(max(days_since_work, 0), DAYS_CAP)
    return DAYS_WEIGHT * days / DAYS_CAP + (PRIORITY_BOOST if priority else 0.0)


def solve(value: F64, free: I64) -> Assignment:
    """`value[w, s]`: what worker w on shift s is worth (NaN: ineligible); `free[s]`: its free places."""
    workers, shifts = value.shape
    if workers == 0:
        return Assignment((), 0.0)
    places = np.minimum(np.maximum(free, 0), workers)  # no shift needs more columns than there are workers
    slot_shift = np.repeat(np.arange(shifts), places)
    cost = np.full((workers, len(slot_shift) + workers), np.inf)
    if len(slot_shift):
        pair = value[:, slot_shift]
        cost[:, : len(slot_shift)] = np.where(np.isnan(pair), np.inf, -pair)
    cost[:, len(slot_shift) :] = 0.0
    rows, cols = linear_sum_assignment(cost)
    shift_of: list[int | None] = [None] * workers
    total = 0.0
    for w, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if c < len(slot_shift):
            shift_of[w] = int(slot_shift[c])
            total += float(value[w, shift_of[w]])
    return Assignment(tuple(shift_of), total)
