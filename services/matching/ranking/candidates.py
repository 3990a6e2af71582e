"""An employer's side: a posting's candidates among many seekers, by the same pair factors, then FA*IR.

Seekers are held as columns (`SeekerPool`), sorted by grid cell like the posting index. A candidate's
score is the sum of the `CANDIDATE_FACTORS` contributions, which equal the seeker-side match's
contributions for the same pair. Priority-group members are guaranteed a minimum share of every prefix
(fair.py); nothing in the result says who is a member.
"""

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from services.matching.contracts import Contribution, Reason, SeekerQuery
from services.matching.ranking import factors, vocab
from services.matching.ranking.fair import fair_order
from services.matching.ranking.grid import (
    Point,
    cells,
    chord2_rows,
    concat_ranges,
    km_of_chord2,
    point_xyz,
    rows_in_box,
    unit_xyz,
)
from services.matching.ranking.ltr import features as ltr_features
from services.matching.ranking.ltr.model import LearnedRanker
from services.matching.ranking.query import capability, week_intervals
from services.matching.ranking.ranker import top_k
from services.matching.ranking.reasons import PairFacts, candidate_reasons, matched_occupation
from services.matching.ranking.related import MAX_WISH, row_fit
from services.matching.ranking.rules import ADULT_AGE, MINIMUM_AGE, commute_radius_km, travel_minutes
from services.matching.ranking.snapshots import parse, shift_columns, to_hourly
from services.matching.ranking.text import MAX_PICKED, QueryText, TextEncoder
from services.matching.ranking.weights import CANDIDATE_FACTORS, CURVES, WEIGHTS, Curves, Weights
from services.reference.geo import EARTH_RADIUS_KM

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
DEFAULT_P = 0.3  # the share of priority-group members FA*IR protects when the caller gives none
DEFAULT_ALPHA = 0.1
FEATURE_KEYS = frozenset((*CANDIDATE_FACTORS, *ltr_features.PAIR_KEYS.values(), "pair:minutes"))


@dataclass(frozen=True, slots=True)
class Candidate:
    seeker_id: str
    score: float  # == sum of contributions
    contributions: tuple[Contribution, ...]
    reasons: tuple[Reason, ...]
    extra: dict[str, object] = field(default_factory=dict)


def employer_view(candidates: Sequence[Candidate]) -> list[dict[str, object]]:
    """What an employer may see: rank, seeker and reasons. Scores stay out: after FA*IR a lifted
    candidate's lower score would show who is in a priority group."""
    return [
        {"rank": n, "seeker_id": c.seeker_id, "reasons": [{"zh": r.zh, "en": r.en} for r in c.reasons]}
        for n, c in enumerate(candidates, start=1)
    ]


class SeekerPool:
    """Seekers as columns for scoring one posting against all of them."""

    def __init__(self, seekers: Sequence[SeekerQuery], encoder: TextEncoder) -> None:
        self.encoder = encoder
        n = len(seekers)
        lat = np.array([s.lat for s in seekers], dtype=np.float64)
        lng = np.array([s.lng for s in seekers], dtype=np.float64)
        order = np.argsort(cells(lat, lng), kind="stable")
        seekers = [seekers[i] for i in order.tolist()]
        lat, lng = lat[order], lng[order]
        text = encoder.encode_seekers([(s.desired_text, s.occupation_codes) for s in seekers])
        pad = encoder.table.size
        explicit = np.full((n, MAX_PICKED), -1, dtype=np.int16)
        for r, s in enumerate(seekers):
            codes = [
                encoder.table.index[c] for c in dict.fromkeys(s.occupation_codes) if c in encoder.table.index
            ]
            explicit[r, : len(codes[:MAX_PICKED])] = codes[:MAX_PICKED]
        explicit_minor = np.where(explicit >= 0, encoder.table.minor[np.maximum(explicit, 0)], -1)
        self.ids = [s.seeker_id for s in seekers]
        self.cell = cells(lat, lng)
        self.x, self.y, self.z = unit_xyz(lat, lng)
        self.radius = np.array([commute_radius_km(s.travel_mode, s.max_commute_minutes) for s in seekers])
        self.chord2 = (2.0 * np.sin(np.minimum(np.pi, self.radius / EARTH_RADIUS_KM) / 2.0)) ** 2
        self.per_km_minutes = np.array([travel_minutes(1.0, s.travel_mode) for s in seekers])
        self.max_radius = float(self.radius.max()) if n else 0.0
        self.capability = np.array([capability(s) for s in seekers], dtype=np.uint32)
        ages = [s.age for s in seekers]
        self.too_young = np.array([a is not None and a < MINIMUM_AGE for a in ages], dtype=np.bool_)
        self.minor = np.array([a is not None and MINIMUM_AGE <= a < ADULT_AGE for a in ages], dtype=np.bool_)
        self.pay_hour = np.array(
            [
                to_hourly(float(s.pay_expectation.amount), s.pay_expectation.unit)
                if s.pay_expectation is not None and s.pay_expectation.amount > 0
                else math.nan
                for s in seekers
            ]
        )
        self.experience = np.array([max(0, s.experience_years) for s in seekers], dtype=np.float64)
        self.protected = np.array([bool(s.priority_groups) for s in seekers], dtype=np.bool_)
        self.has_text = np.array([bool(s.desired_text.strip()) or bool(s.occupation_codes) for s in seekers])
        self.explicit, self.explicit_minor = explicit, explicit_minor
        self.has_explicit: npt.NDArray[np.bool_] = np.asarray((explicit >= 0).any(axis=1), dtype=np.bool_)
        self.occ, self.occ_w, self.minor_code, self.minor_w = text.occ, text.occ_w, text.minor, text.minor_w
        self.lex, self.lex_w = text.lex, text.lex_w
        self.wish = text.wish if text.wish is not None else np.full((n, MAX_WISH), pad, dtype=np.int16)
        self.wish_w = text.wish_w if text.wish_w is not None else np.zeros((n, MAX_WISH), dtype=np.float32)
        self._intervals(seekers)

    def _intervals(self, seekers: Sequence[SeekerQuery]) -> None:
        starts, ends, counts = [], [], []
        for s in seekers:
            iv = week_intervals(s.availability)
            counts.append(0 if iv is None else len(iv))
            if iv is not None:
                starts.extend(iv[:, 0].tolist())
                ends.extend(iv[:, 1].tolist())
        self.iv_count = np.array(counts, dtype=np.int64)
        self.iv_off = np.cumsum(self.iv_count) - self.iv_count
        self.iv_start = np.array(starts, dtype=np.float64)
        self.iv_end = np.array(ends, dtype=np.float64)
        self.any_time = self.iv_count == 0

    def __len__(self) -> int:
        return len(self.ids)

    def near(self, lat: float, lng: float) -> I64:
        """Seekers whose cell the widest commute circle around (lat, lng) can reach."""
        return rows_in_box(self.cell, lat, lng, self.max_radius)


@dataclass(slots=True)
class _Posting:
    """One posting's columns (a one-row parse of its snapshot) and its upcoming bookable shifts."""

    lat: float  # degrees
    lng: float
    point: Point
    req: int
    is_gig: bool
    open_now: bool
    pay_hour: float
    exp_req: float
    flexible: bool
    top_code: int
    shift_week: npt.NDArray[np.int32]  # upcoming bookable shifts
    shift_minutes: npt.NDArray[np.int32]
    shift_night: npt.NDArray[np.bool_]
    text: QueryText


def _posting(snapshot: Mapping[str, Any], encoder: TextEncoder, now: float) -> _Posting:
    batch = parse([snapshot])
    rows = encoder.encode_rows(batch.titles, batch.texts, batch.occupation)
    sh = shift_columns(batch.shifts)
    upcoming = sh["bookable"] & (sh["start"] > now)
    lat, lng = batch.lat[0], batch.lng[0]
    req = batch.requirement[0]
    is_gig = bool(req & (1 << vocab.GIG_BIT))
    open_now = batch.open[0] and batch.valid_until[0] > now and (is_gig or batch.job_free[0] > 0)
    flexible = bool(batch.accommodations[0] & vocab.FLEXIBLE_HOURS) or bool(batch.flags[0] & vocab.MOM_POST)
    return _Posting(
        lat=lat,
        lng=lng,
        point=point_xyz(lat, lng),
        req=req,
        is_gig=is_gig,
        open_now=open_now,
        pay_hour=float(batch.pay_hour()[0]),
        exp_req=float(max(0, batch.experience[0])),
        flexible=flexible,
        top_code=int(rows.top_code[0]),
        shift_week=sh["week"][upcoming],
        shift_minutes=sh["minutes"][upcoming],
        shift_night=sh["night"][upcoming],
        text=encoder.query_of_row(rows, 0),
    )


def _shift_fit(pool: SeekerPool, rows: I64, post: _Posting) -> F64:
    """Per seeker: the posting's upcoming bookable shifts inside their availability (minors: not at night)."""
    n_fit = np.zeros(len(rows))
    if not len(post.shift_week):
        return n_fit
    off, cnt = pool.iv_off[rows], pool.iv_count[rows]
    flat = concat_ranges(off, off + cnt)
    owner = np.repeat(np.arange(len(rows)), cnt)
    a, b = pool.iv_start[flat], pool.iv_end[flat]
    any_time, minor = pool.any_time[rows], pool.minor[rows]
    for week, minutes, night in zip(
        post.shift_week.tolist(), post.shift_minutes.tolist(), post.shift_night.tolist(), strict=True
    ):
        inside = np.bincount(owner, weights=(a <= week) & (week + minutes <= b), minlength=len(rows)) > 0
        ok = inside | any_time
        if night:
            ok &= ~minor
        n_fit += ok
    return n_fit


def _values(pool: SeekerPool, rows: I64, post: _Posting, km: F64, n_fit: F64, c: Curves) -> dict[str, F64]:
    q = post.text
    occ = (q.occ[pool.occ[rows]] * pool.occ_w[rows]).sum(axis=1, dtype=np.float64)
    minor = (q.minor[pool.minor_code[rows]] * pool.minor_w[rows]).sum(axis=1, dtype=np.float64)
    dense = np.zeros(0)
    lex = np.zeros(len(rows))
    if len(q.lex_ids):
        lookup = dict(zip(q.lex_ids.tolist(), q.lex_w.tolist(), strict=True))
        ids = np.array(sorted(lookup))
        dense = np.array([lookup[i] for i in ids.tolist()], dtype=np.float32)
        found = np.searchsorted(ids, pool.lex[rows])
        hit = ids[np.minimum(found, len(ids) - 1)] == pool.lex[rows]
        matched = np.where(hit, dense[np.minimum(found, len(ids) - 1)], np.float32(0.0))
        lex = (matched * pool.lex_w[rows]).sum(axis=1, dtype=np.float64)
    top = post.top_code
    same: npt.NDArray[np.bool_]
    same_minor: npt.NDArray[np.bool_]
    if top >= 0:
        same = (pool.explicit[rows] == top).any(axis=1)
        same_minor = (pool.explicit_minor[rows] == int(pool.encoder.table.minor[top])).any(axis=1)
    else:
        same = same_minor = np.zeros(len(rows), dtype=np.bool_)
    exact = factors.exact_code(same, same_minor)
    has_explicit = pool.has_explicit[rows]
    related = pool.encoder.related.toward(pool.wish[rows], pool.wish_w[rows], top)
    fit = factors.occupation_fit(occ, minor, lex, exact, has_explicit, related, c)
    return {
        "pair:occ": occ,
        "pair:minor": minor,
        "pair:lex": lex,
        "pair:reach": np.asarray(related, dtype=np.float64),
        "pair:minutes": km * pool.per_km_minutes[rows],
        "occupation_fit": fit,
        "distance": factors.distance(km * pool.per_km_minutes[rows], c),
        "schedule": factors.schedule(post.is_gig, n_fit, pool.any_time[rows], post.flexible, c),
        "pay": factors.pay(post.pay_hour, pool.pay_hour[rows], c),
        "experience": factors.experience(post.exp_req, pool.experience[rows]),
    }


def rank_candidates(
    posting: Mapping[str, Any],
    seekers: SeekerPool | Sequence[SeekerQuery],
    k: int = 50,
    p: float = DEFAULT_P,
    alpha: float = DEFAULT_ALPHA,
    *,
    encoder: TextEncoder | None = None,
    now: float | None = None,
    adjust: bool = True,
    weights: Weights = WEIGHTS,
    curves: Curves = CURVES,
    learned: LearnedRanker | None = None,
) -> list[Candidate]:
    """A posting's top k eligible seekers by pair fit (or the learned ranker's order of the hand-set
    shortlist), re-ranked with FA*IR (share p, significance α)."""
    if isinstance(seekers, SeekerPool):
        pool = seekers
    else:
        if encoder is None:
            raise ValueError("an encoder is needed to pool a sequence of seekers")
        pool = SeekerPool(seekers, encoder)
    return rank_candidates_in(
        posting,
        [(pool, None)],
        k,
        p,
        alpha,
        now=now,
        adjust=adjust,
        weights=weights,
        curves=curves,
        learned=learned,
    )


PoolPart = tuple[SeekerPool, npt.NDArray[np.bool_] | None]  # a pool and which of its rows count (None: all)


@dataclass(slots=True)
class _Scored:
    pool: SeekerPool
    rows: I64
    km: F64
    n_fit: F64
    values: dict[str, F64]
    scored: factors.Scored


def _score_part(part: PoolPart, post: _Posting, curves: Curves, weights: Weights) -> _Scored | None:
    """The eligible seekers of one pool part with their pair factor values and scores."""
    pool, alive = part
    if not len(pool):
        return None
    rows = pool.near(post.lat, post.lng)
    keep = (np.uint32(post.req) & ~pool.capability[rows]) == 0
    keep &= ~pool.too_young[rows]
    if alive is not None:
        keep &= alive[rows]
    rows = rows[keep]
    chord2 = chord2_rows(post.point, pool.x[rows], pool.y[rows], pool.z[rows])
    near = chord2 <= pool.chord2[rows]
    rows, km = rows[near], km_of_chord2(chord2[near])
    n_fit = np.zeros(len(rows))
    if post.is_gig:
        n_fit = _shift_fit(pool, rows, post)
        ok = n_fit > 0
        rows, km, n_fit = rows[ok], km[ok], n_fit[ok]
    if not len(rows):
        return None
    values = _values(pool, rows, post, km, n_fit, curves)
    return _Scored(pool, rows, km, n_fit, values, factors.weigh(values, CANDIDATE_FACTORS, weights))


def rank_candidates_in(
    posting: Mapping[str, Any],
    parts: Sequence[PoolPart],
    k: int = 50,
    p: float = DEFAULT_P,
    alpha: float = DEFAULT_ALPHA,
    *,
    now: float | None = None,
    adjust: bool = True,
    weights: Weights = WEIGHTS,
    curves: Curves = CURVES,
    details: bool = False,
    learned: LearnedRanker | None = None,
) -> list[Candidate]:
    """rank_candidates over several pools sharing one encoder, each with an optional mask of the rows
    that count (a large pool built once, minus the seekers that changed, plus a small pool of those).
    FA*IR runs once over all of them. `details` fills `Candidate.extra` with display facts (distance,
    matched occupation, fitting shifts, required certificates), never with anything about groups.
    With `learned`, the learned ranker re-orders the hand-set shortlist before FA*IR (which it never
    replaces)."""
    if not parts or k <= 0:
        return []
    when = time.time() if now is None else now
    post = _posting(posting, parts[0][0].encoder, when)
    if not post.open_now:
        return []
    scored = [s for s in (_score_part(part, post, curves, weights) for part in parts) if s is not None]
    if not scored:
        return []
    total = np.concatenate([s.scored.total for s in scored])
    if learned is not None:
        total = _learned_order(learned, scored, total, post, k)
    protected = np.concatenate([s.pool.protected[s.rows] for s in scored])
    picks = _fair_picks(total, protected, k, p, alpha, adjust)
    starts = np.cumsum([0] + [len(s.rows) for s in scored])
    out: list[Candidate | None] = [None] * len(picks)
    for n, s in enumerate(scored):
        mine = [(j, at - int(starts[n])) for j, at in enumerate(picks) if starts[n] <= at < starts[n + 1]]
        if mine:
            made = _candidates(s, post, [at for _, at in mine], details)
            for (j, _), cand in zip(mine, made, strict=True):
                out[j] = cand
    return [c for c in out if c is not None]


def _learned_order(
    learned: LearnedRanker, scored: Sequence[_Scored], total: F64, post: _Posting, k: int
) -> F64:
    """Learned scores for the hand-set shortlist; every other row stays below it, in hand-set order.
    The posting-only factors and the seeker's accommodations are not on this side: missing (NaN)."""
    short = top_k(total, max(k, learned.shortlist))
    values = {
        key: np.concatenate([s.values[key] for s in scored])
        for key in scored[0].values
        if key in FEATURE_KEYS
    }
    minutes = values.pop("pair:minutes")
    n_fit = np.concatenate([s.n_fit for s in scored])
    x = ltr_features.matrix(
        values,
        short,
        minutes=minutes,
        n_fit=n_fit,
        is_gig=np.full(len(total), post.is_gig, dtype=np.float64),
        total=total,
    )
    found = learned.score(x)
    out: F64 = total - total.max() + (found.min() - 1.0)
    out[short] = found
    return out


def _fair_picks(
    total: F64, protected: npt.NDArray[np.bool_], k: int, p: float, alpha: float, adjust: bool
) -> list[int]:
    """FA*IR over the best k of each group (nothing below them can enter a top k)."""
    heads: list[int] = []
    for group in (protected, ~protected):
        idx = np.flatnonzero(group)
        if len(idx) > k:
            idx = idx[np.argpartition(-total[idx], k - 1)[:k]]
        heads.extend(idx.tolist())
    heads.sort()
    scores = total[heads].tolist()
    flags = protected[heads].tolist()
    return [heads[j] for j in fair_order(scores, flags, k, p, alpha, adjust)]


def _candidates(s: _Scored, post: _Posting, picks: list[int], details: bool = False) -> list[Candidate]:
    """Candidate objects for the picked positions (only these leave numpy)."""
    pool, rows, km, n_fit, values, scored = s.pool, s.rows, s.km, s.n_fit, s.values, s.scored
    at = np.asarray(picks, dtype=np.int64)
    seeker_rows = rows[at]
    vals = np.stack([values[f][at] for f in CANDIDATE_FACTORS], axis=1).tolist()
    contribs = np.stack([scored.contributions[f][at] for f in CANDIDATE_FACTORS], axis=1).tolist()
    totals = scored.total[at].tolist()
    kms = km[at].tolist()
    fits = n_fit[at].astype(np.int64).tolist()
    top = post.top_code
    name = pool.encoder.table.name(top) if top >= 0 else None
    same = (pool.explicit[seeker_rows] == top).any(axis=1).tolist() if top >= 0 else [False] * len(at)
    has_text = pool.has_text[seeker_rows].tolist()
    wish, wish_w = pool.wish[seeker_rows].tolist(), pool.wish_w[seeker_rows].tolist()
    certificates = post.req & vocab.CERT_BITS
    out: list[Candidate] = []
    for j, row in enumerate(seeker_rows.tolist()):
        facts = PairFacts(
            values=dict(zip(CANDIDATE_FACTORS, vals[j], strict=True)),
            km=kms[j],
            minutes=0.0,
            mode="",
            is_gig=post.is_gig,
            n_fit=fits[j],
            any_time=False,
            certificates=certificates,
            accommodations_offered=0,
            accommodations_asked=0,
            occupation_name=name if has_text[j] else None,
            same_code=same[j],
            pay_lo=0.0,
            pay_hi=0.0,
            pay_unit=0,
            has_pay_expectation=False,
            fresh_days=0.0,
            fit=row_fit(pool.encoder.related, wish[j], wish_w[j], top),
        )
        out.append(
            Candidate(
                seeker_id=pool.ids[row],
                score=totals[j],
                contributions=tuple(map(Contribution, CANDIDATE_FACTORS, contribs[j])),
                reasons=candidate_reasons(facts),
                extra=_details(facts, post) if details else {},
            )
        )
    return out


def _details(f: PairFacts, post: _Posting) -> dict[str, object]:
    """What a candidate list may show beside the reasons: nothing about groups or private facts."""
    return {
        "distance_km": round(f.km, 1),
        "occupation_name": matched_occupation(f),
        "fit": f.fit,
        "shifts_fitting": f.n_fit if post.is_gig else None,
        "shifts_open": len(post.shift_week) if post.is_gig else None,
        "certificates": vocab.cert_codes(f.certificates),
    }
