"""Stage 2's factor values for (seeker, posting) pairs, vectorised.

Both directions — a seeker's postings and a posting's candidates — call these same functions, with one
side's values as scalars and the other's as arrays, so a pair scores the same either way.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from services.matching.ranking.vocab import POPCOUNT8
from services.matching.ranking.weights import CURVES, WEIGHTS, Curves, Weights

F64 = npt.NDArray[np.float64]
ArrayLike = Any  # a numpy array or a scalar that broadcasts against one


def occupation_fit(
    occ: F64,
    minor: F64,
    lex: ArrayLike,
    exact: ArrayLike,
    has_explicit: ArrayLike,
    related: ArrayLike,
    curves: Curves = CURVES,
) -> F64:
    """Mix of the three cosines, plus the exact-code term for seekers who picked codes; at least
    `fit_related` × the closeness of the posting's occupation to the wished ones (related.py), so that
    related work stands above unrelated work whatever the words say."""
    base = curves.fit_occupation * occ + curves.fit_minor_group * minor + curves.fit_text * lex
    plain = curves.fit_occupation + curves.fit_minor_group + curves.fit_text
    with_codes = (base + curves.fit_exact * exact) / (plain + curves.fit_exact)
    mix = np.where(has_explicit, with_codes, base / plain)
    out: F64 = np.maximum(mix, curves.fit_related * np.asarray(related, dtype=np.float64))
    return np.clip(out, 0.0, 1.0)


def text_share(has_explicit: bool, curves: Curves = CURVES) -> float:
    """The most the lexical cosine can add to occupation_fit."""
    plain = curves.fit_occupation + curves.fit_minor_group + curves.fit_text
    return curves.fit_text / (plain + curves.fit_exact if has_explicit else plain)


def exact_code(same_code: ArrayLike, same_minor: ArrayLike) -> F64:
    """1 when the posting's code is one the seeker picked, 0.5 for the same minor group, else 0."""
    out: F64 = np.where(same_code, 1.0, np.where(same_minor, 0.5, 0.0))
    return out


def meaning(cos: F64, present: npt.NDArray[np.bool_], reference: tuple[float, float] | None = None) -> F64:
    """The titles' sentence-vector cosines rescaled to (cos − median) / (best − median) of the seeker's
    scale (the postings in reach), clipped to 0..1: the model's cosines are compressed, only their order
    for one seeker says anything. `present`: rows whose title has a vector (the others score 0).
    `reference`: (median, best); by default those of `cos` itself."""
    out: F64 = np.zeros(len(cos))
    if reference is None:
        reference = meaning_reference(cos[present])
    if reference is None:
        return out
    mid, best = reference
    if best - mid <= 1e-9:
        return out
    out[present] = np.clip((cos[present] - mid) / (best - mid), 0.0, 1.0)
    return out


def meaning_reference(cos: F64) -> tuple[float, float] | None:
    """(median, best) of a list's cosines; None for an empty list."""
    if len(cos) == 0:
        return None
    return float(np.median(cos)), float(cos.max())


def distance(minutes: F64, curves: Curves = CURVES) -> F64:
    out: F64 = np.exp(-minutes / curves.distance_minutes)
    return out


def schedule(
    is_gig: ArrayLike, n_fit: ArrayLike, any_time: ArrayLike, flexible: ArrayLike, curves: Curves = CURVES
) -> F64:
    """Gigs: the more of their shifts fit, the better; jobs: fine for anyone free at any time, and for
    the others when the job offers flexible hours or is a 妈妈岗; otherwise unknown (0.5)."""
    gig = np.minimum(1.0, np.asarray(n_fit, dtype=np.float64) / curves.schedule_full_shifts)
    job = np.where(np.logical_or(any_time, flexible), 1.0, curves.schedule_job_unknown_hours)
    out: F64 = np.where(is_gig, gig, job)
    return out


def pay(offered_hour: ArrayLike, expected_hour: ArrayLike, curves: Curves = CURVES) -> F64:
    """Offered over expected (both per hour): 0 at `pay_zero_at`, 1 at `pay_full_at`; unknown = 0.5."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.asarray(offered_hour, dtype=np.float64) / expected_hour
        value = np.clip((ratio - curves.pay_zero_at) / (curves.pay_full_at - curves.pay_zero_at), 0.0, 1.0)
    out: F64 = np.where(np.isnan(value), curves.pay_unknown, value)
    return out


def accommodations(offered: ArrayLike, asked: ArrayLike, asked_count: ArrayLike) -> F64:
    """Share of the accommodations the seeker asked for that the posting offers (0 when none asked)."""
    both = POPCOUNT8[np.bitwise_and(offered, asked).astype(np.uint8)].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: F64 = np.where(np.asarray(asked_count) > 0, both / np.maximum(asked_count, 1), 0.0)
    return out


def experience(required: ArrayLike, years: ArrayLike) -> F64:
    req = np.asarray(required, dtype=np.float64)
    out: F64 = np.where(
        req <= 0, 1.0, np.minimum(1.0, np.asarray(years, dtype=np.float64) / np.maximum(req, 1.0))
    )
    return out


def freshness(fresh_at: ArrayLike, now: float, curves: Curves = CURVES) -> F64:
    days = np.maximum(0.0, now - np.asarray(fresh_at, dtype=np.float64)) / 86400.0
    value = np.exp(-days / curves.freshness_days)
    out: F64 = np.where(np.isnan(value), 0.5, value)
    return out


def congestion(applicants: ArrayLike, free: ArrayLike, curves: Curves = CURVES) -> F64:
    """Applicants per free slot, 0..1 (1 at `congestion_full`); the weight is negative."""
    per_slot = np.asarray(applicants, dtype=np.float64) / np.maximum(np.asarray(free, dtype=np.float64), 1.0)
    out: F64 = np.minimum(1.0, per_slot / curves.congestion_full)
    return out


@dataclass(slots=True)
class Scored:
    """Weighted contributions per factor (same length arrays) and their sum."""

    contributions: dict[str, F64]
    total: F64


def weigh(values: dict[str, F64], factors: tuple[str, ...], weights: Weights = WEIGHTS) -> Scored:
    """value × weight per factor; the total is added in `factors` order, as a Match's score is."""
    contributions = {f: weights.of(f) * values[f] for f in factors}
    total = np.zeros_like(next(iter(contributions.values())))
    for f in factors:
        total = total + contributions[f]
    return Scored(contributions, total)
