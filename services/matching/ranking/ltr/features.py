"""What the learned ranker reads about a (seeker, posting) pair: the hand-set factor values and a few
pair features the ranking computes anyway. Nothing about protected traits: these come from
`SeekerQuery` (which has none) and the posting.
"""

import hashlib

import numpy as np
import numpy.typing as npt

from services.matching.ranking.weights import CURVES, FACTORS, WEIGHTS

F64 = npt.NDArray[np.float64]

PAIR_FEATURES = (
    "travel_minutes",
    "occupation_cosine",
    "minor_group_cosine",
    "text_cosine",
    "wish_reach",
    "fitting_shifts",
    "is_gig",
    "pay_ratio",  # offered ÷ expected per hour; missing without an expectation or a piece rate
    "hand_score",  # the hand-set total
)
FEATURES = tuple(FACTORS) + PAIR_FEATURES
# Keys under which `Ranker.values` (and the candidate side) hand the raw pair arrays along.
PAIR_KEYS = {
    "occupation_cosine": "pair:occ",
    "minor_group_cosine": "pair:minor",
    "text_cosine": "pair:lex",
    "wish_reach": "pair:reach",
    "pay_ratio": "pair:pay_ratio",
}
HAND_RANKER = "hand-" + hashlib.sha1(repr((WEIGHTS, CURVES)).encode()).hexdigest()[:8]


def matrix(
    values: dict[str, F64],
    picks: npt.NDArray[np.int64],
    *,
    minutes: F64,
    n_fit: F64,
    is_gig: npt.NDArray[np.bool_] | F64,
    total: F64,
) -> F64:
    """The feature rows (len(picks) × len(FEATURES)) of the picked positions; missing values are NaN."""
    out = np.full((len(picks), len(FEATURES)), np.nan)
    for j, f in enumerate(FACTORS):
        if f in values:
            out[:, j] = values[f][picks]
    extra = {
        "travel_minutes": minutes[picks],
        "fitting_shifts": np.asarray(n_fit, dtype=np.float64)[picks],
        "is_gig": np.asarray(is_gig, dtype=np.float64)[picks],
        "hand_score": total[picks],
    }
    for j, f in enumerate(PAIR_FEATURES, start=len(FACTORS)):
        if f in extra:
            out[:, j] = extra[f]
        elif PAIR_KEYS[f] in values:
            out[:, j] = values[PAIR_KEYS[f]][picks]
    return out


def as_dict(row: list[float]) -> dict[str, float | None]:
    """One feature row for an impression record (JSON: missing as null)."""
    return {f: (None if v != v else round(v, 6)) for f, v in zip(FEATURES, row, strict=True)}


def from_dicts(rows: list[dict[str, float | None] | None]) -> F64:
    """Impression records' features back into a matrix (null or absent: NaN)."""
    out = np.full((len(rows), len(FEATURES)), np.nan)
    for i, row in enumerate(rows):
        if row:
            for j, f in enumerate(FEATURES):
                v = row.get(f)
                if v is not None:
                    out[i, j] = float(v)
    return out
