"""A seeker's commute box in compiled passes: the hard rules and the score, row by row, with bounds.

The numpy path (eligibility.eligible, then Ranker.values) reads a candidate's columns once per rule, per
factor and per feature slot, each pass over every row of the box with a temporary array. At 10 million
postings a seeker's box holds up to 480,000 rows, and those passes are what a query costs. Here (compiled
by numba) one loop applies every hard rule to each row (_passing); the occupation's two dot products of
the rows that pass are taken a slot at a time (_slot_dots); then one loop works out each row's factors
cheapest first, and after each step drops the row if it could not reach the k-th best score found so far
(a bounded heap) even with every factor not yet known at its best. Distance and freshness enter those
bounds from the start, as bounds read from a table by bucket of distance and age; their values (an
arcsine, two exponentials) are worked out only for a row that could still make it, then the lexical
cosine (up to 16 slots), and last the employer's reliability (a read anywhere in a table of every
employer). Rows within SLACK of the final k-th best are returned; the ranker scores them with the numpy
path, so every value a seeker sees is computed by that one implementation, and the top k is the one the
full path gives (tests/matching/ranking/test_fused.py: the same matches, value for value).
"""

import math
from typing import TYPE_CHECKING, Any

import numba
import numpy as np
import numpy.typing as npt

from services.matching.ranking import factors, vocab
from services.matching.ranking.eligibility import GIG
from services.matching.ranking.query import Seeker
from services.matching.ranking.rules import travel_minutes
from services.matching.ranking.weights import FACTORS, Curves
from services.reference.geo import EARTH_RADIUS_KM

if TYPE_CHECKING:
    from services.matching.ranking.ranker import MeaningScale, Ranker

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# How far below the k-th best a row may score here and still be kept: the sums here and numpy's may differ
# in the last bits (exp in numpy's vectorised form or in libm), about 1e-15; 1e-6 only ever keeps a few more.
SLACK = 1e-6
# Below this many rows the numpy path alone is as quick (and nothing is compiled for it).
MIN_ROWS = 2048
# The buckets of the distance and freshness bounds: 512 of the seeker's squared chord, and of 6 hours of age.
_BUCKETS = 512
_DAYS_STEP = 0.25

_FLEX = vocab.FLEXIBLE_HOURS
_MOM = vocab.MOM_POST
_NO_INTERVALS = np.zeros((0, 2), dtype=np.float64)
_NO_MEANING = np.zeros(1, dtype=np.float64)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _sift_down(heap: F64, n: int) -> None:
    i = 0
    while True:
        left = 2 * i + 1
        if left >= n:
            return
        small = left
        if left + 1 < n and heap[left + 1] < heap[left]:
            small = left + 1
        if heap[small] >= heap[i]:
            return
        heap[i], heap[small] = heap[small], heap[i]
        i = small


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _push(heap: F64, n: int, value: float) -> None:
    i = n
    heap[i] = value
    while i > 0:
        parent = (i - 1) // 2
        if heap[parent] <= heap[i]:
            return
        heap[i], heap[parent] = heap[parent], heap[i]
        i = parent


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _slot_dots(dense: Any, index: Any, weights: Any, rows: Any) -> Any:
    """Each of `rows`' fixed-width sparse feature (one column per slot, heaviest first, zero-weight
    padding after) dotted with a dense query vector, as ranker.slot_dot does, adding in slot order. A slot
    at a time: a tuple of columns indexed by a loop variable compiles to a switch and a reference count on
    every read (about 200 ns a row for eight slots, against 17 when each slot's columns are taken once)."""
    m = len(rows)
    out = np.zeros(m, dtype=np.float64)
    live = np.ones(m, dtype=np.bool_)
    for s in range(len(index)):
        codes = index[s]
        slot_weights = weights[s]
        for j in range(m):
            if live[j]:
                r = rows[j]
                weight = slot_weights[r]
                if weight == 0:
                    live[j] = False
                else:
                    out[j] += dense[codes[r]] * weight
    return out


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _passing(  # noqa: PLR0913
    rows: Any,
    req: Any,
    valid_until: Any,
    x: Any,
    y: Any,
    z: Any,
    job_free: Any,
    sh_off: Any,
    sh_cnt: Any,
    sh_start: Any,
    sh_week: Any,
    sh_minutes: Any,
    sh_free: Any,
    sh_bookable: Any,
    sh_night: Any,
    capability: int,
    now: float,
    px: float,
    py: float,
    pz: float,
    chord2_max: float,
    is_minor: bool,
    intervals: Any,
) -> tuple[Any, Any, Any, Any]:
    """The rows that pass the hard rules (eligibility.eligible's, one row at a time), each with its
    squared chord to the seeker, its shifts that fit (gigs) and its free places."""
    n = len(rows)
    kept_rows = np.empty(n, dtype=np.int64)
    chord2s = np.empty(n, dtype=np.float64)
    fits = np.empty(n, dtype=np.float64)
    frees = np.empty(n, dtype=np.float64)
    kept = 0
    cap_not = ~np.uint32(capability)
    any_time = intervals.shape[0] == 0
    for i in range(n):
        r = rows[i]
        rq = req[r]
        if (rq & cap_not) != 0:
            continue
        if not valid_until[r] > now:
            continue
        dx = x[r] - px
        dy = y[r] - py
        dz = z[r] - pz
        chord2 = dx * dx + dy * dy + dz * dz
        if not chord2 <= chord2_max:
            continue
        n_fit = 0.0
        free = float(job_free[r])
        if (rq & GIG) != 0:
            free = 0.0
            first = sh_off[r]
            for j in range(first, first + sh_cnt[r]):
                if not (sh_bookable[j] and sh_start[j] > now):
                    continue
                free += sh_free[j]
                if is_minor and sh_night[j]:
                    continue
                if any_time:
                    n_fit += 1.0
                    continue
                start = sh_week[j]
                end = start + sh_minutes[j]
                for a in range(intervals.shape[0]):
                    if start >= intervals[a, 0] and end <= intervals[a, 1]:
                        n_fit += 1.0
                        break
            if n_fit <= 0.0:
                continue
        kept_rows[kept] = r
        chord2s[kept] = chord2
        fits[kept] = n_fit
        frees[kept] = free
        kept += 1
    return kept_rows[:kept], chord2s[:kept], fits[:kept], frees[:kept]


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _fit(
    occ: float, minor: float, lex: float, exact: float, explicit: bool, related: float, c: Any, plain: float
) -> float:
    """factors.occupation_fit for one pair."""
    base = c[0] * occ + c[1] * minor + c[2] * lex
    mix = (base + c[3] * exact) / (plain + c[3]) if explicit else base / plain
    return float(min(max(max(mix, c[4] * related), 0.0), 1.0))


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _distance(chord2: float, per_minute: float, minutes: float) -> float:
    """The distance value of a squared unit-sphere chord: its great-circle km (grid.km_of_chord2), as
    minutes of travel on the seeker's curve."""
    km = 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(chord2) / 2.0))
    return float(math.exp(-(km * per_minute) / minutes))


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _freshness(days: float, scale: float) -> float:
    return float(math.exp(-days / scale))


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _total(
    w: Any,
    fit: float,
    meaning: float,
    distance: float,
    schedule: float,
    pay: float,
    accommodations: float,
    experience: float,
    reliability: float,
    freshness: float,
    congestion: float,
) -> float:
    """factors.weigh for one pair: the contributions added in FACTORS order, as the numpy path adds them."""
    total = 0.0
    total = total + w[0] * fit
    total = total + w[1] * meaning
    total = total + w[2] * distance
    total = total + w[3] * schedule
    total = total + w[4] * pay
    total = total + w[5] * accommodations
    total = total + w[6] * experience
    total = total + w[7] * reliability
    total = total + w[8] * freshness
    total = total + w[9] * congestion
    return float(total)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _survivors(  # noqa: PLR0913, PLR0912, PLR0915 — one flat loop is the point of this module
    passing: Any,
    chord2s: Any,
    fits: Any,
    frees: Any,
    dots: Any,
    dots_minor: Any,
    req: Any,
    lex: Any,
    lex_w: Any,
    top_code: Any,
    accom: Any,
    flags: Any,
    pay_hour: Any,
    exp_req: Any,
    employer: Any,
    reliability: Any,
    fresh_at: Any,
    applicants: Any,
    meaning_id: Any,
    # the seeker
    now: float,
    chord2_max: float,
    any_time: bool,
    reach: Any,
    has_lex: bool,
    lex_dense: Any,
    lex_bits: Any,
    explicit: bool,
    explicit_code: Any,
    explicit_minor: Any,
    table_minor: Any,
    per_minute: float,
    seeker_pay: float,
    years: float,
    asked: int,
    asked_count: int,
    popcount: Any,
    meaning_on: bool,
    meaning_by_id: Any,
    meaning_mid: float,
    meaning_best: float,
    # weights (FACTORS order) and curves
    w: Any,
    c: Any,
    k: int,
    margin: float,
    slack: float,
) -> tuple[Any, Any, float]:
    n = len(passing)
    out_rows = np.empty(n, dtype=np.int64)
    out_score = np.empty(n, dtype=np.float64)
    heap = np.empty(max(k, 1), dtype=np.float64)
    filled = 0
    kept = 0
    threshold = -np.inf
    plain = c[0] + c[1] + c[2]
    pay_span = c[10] - c[9]
    n_reach = len(reach)
    best_distance = max(w[2], 0.0)  # the most distance and freshness (values 0..1) can add
    best_fresh = max(w[8], 0.0)
    rel_hi = 1.0 if w[7] >= 0 else 0.0  # the reliability value that scores best ...
    best_reliability = w[7] * rel_hi  # ... and what it adds
    # every factor but the occupation, distance and freshness at their best, for this seeker
    others_best = best_reliability
    for f in range(1, len(w)):
        if f == 2 or f == 7 or f == 8 or (f == 1 and not meaning_on) or (f == 5 and asked_count == 0):
            continue  # counted apart; no meaning, or no accommodation asked for: the value is 0
        if f == 4 and math.isnan(seeker_pay):
            others_best += w[4] * c[8]  # no pay expectation: the value is fixed
        else:
            others_best += max(w[f], 0.0)
    # Upper bounds of the distance and freshness values, by bucket of the squared chord and of the age
    # in days (both values fall as these grow: a bucket's bound is the value at its lower edge), so a row
    # is weighed with its own bounds before the arcsine and the exponentials are worked out.
    dist_ub = np.empty(_BUCKETS, dtype=np.float64)
    fresh_ub = np.empty(_BUCKETS, dtype=np.float64)
    chord_step = chord2_max / _BUCKETS if chord2_max > 0 else 1.0
    for b in range(_BUCKETS):
        dist_ub[b] = _distance(b * chord_step, per_minute, c[5])
        fresh_ub[b] = _freshness(b * _DAYS_STEP, c[11])
    per_chord = 1.0 / chord_step
    for i in range(len(passing)):
        r = passing[i]
        rq = req[r]
        chord2 = chord2s[i]
        n_fit = fits[i]
        free = frees[i]
        is_gig = (rq & GIG) != 0
        at = chord2 * per_chord
        distance_ub = dist_ub[int(at) if at < _BUCKETS else _BUCKETS - 1]
        published = float(fresh_at[r])
        days = max(0.0, now - published) / 86400.0
        if math.isnan(published):
            fresh_bound = 0.5
        else:
            age = days / _DAYS_STEP
            fresh_bound = fresh_ub[int(age) if age < _BUCKETS else _BUCKETS - 1]
        bounded = others_best + best_distance * distance_ub + best_fresh * fresh_bound
        # occupation_fit without the lexical cosine
        dot = dots[i]
        dot_minor = dots_minor[i]
        top = top_code[r]
        related = float(reach[top if top >= 0 else n_reach - 1])
        exact = 0.0
        if explicit:
            if top >= 0 and explicit_code[top]:
                exact = 1.0
            elif explicit_minor[table_minor[max(top, 0)]] and top >= 0:
                exact = 0.5
        fit = _fit(dot, dot_minor, 0.0, exact, explicit, related, c, plain)
        # The occupation is the heaviest factor: a row that could not make it even with every other
        # factor at its best (distance and freshness at their bucket's bound) is dropped before their
        # columns are read.
        if w[0] * fit + bounded + margin < threshold - slack:
            continue
        # meaning
        meaning = 0.0
        if meaning_on:
            mid = meaning_id[r]
            if mid > 0 and mid < len(meaning_by_id):
                meaning = min(
                    max((meaning_by_id[mid] - meaning_mid) / (meaning_best - meaning_mid), 0.0), 1.0
                )
        if is_gig:
            schedule = min(1.0, n_fit / c[6])
        elif any_time or ((accom[r] & _FLEX) | (flags[r] & _MOM)) != 0:
            schedule = 1.0
        else:
            schedule = c[7]
        value = (float(pay_hour[r]) / seeker_pay - c[9]) / pay_span
        pay = c[8] if math.isnan(value) else min(max(value, 0.0), 1.0)
        accommodations = 0.0
        if asked_count > 0:
            accommodations = float(popcount[np.uint8(accom[r] & asked)]) / max(asked_count, 1)
        need = float(exp_req[r])
        experience = 1.0 if need <= 0 else min(1.0, years / max(need, 1.0))
        congestion = min(1.0, float(applicants[r]) / max(free, 1.0) / c[12])
        # Distance and freshness (an arcsine and two exponentials), then the lexical cosine (up to 16
        # slots), each only for a row that could still make it with the ones not yet known at their best.
        best = (
            w[0] * fit
            + w[1] * meaning
            + best_distance * distance_ub
            + w[3] * schedule
            + w[4] * pay
            + w[5] * accommodations
            + w[6] * experience
            + best_reliability
            + best_fresh * fresh_bound
            + w[9] * congestion
        )
        if best + margin < threshold - slack:
            continue
        distance = _distance(chord2, per_minute, c[5])
        fresh = 0.5 if math.isnan(published) else _freshness(days, c[11])  # as numpy: NaN → 0.5
        # Reliability is the employer's: a read anywhere in a table of every employer, so it comes last.
        if has_lex:
            partial = _total(
                w,
                fit,
                meaning,
                distance,
                schedule,
                pay,
                accommodations,
                experience,
                rel_hi,
                fresh,
                congestion,
            )
            if partial + margin < threshold - slack:
                continue
            lexical = 0.0
            for s in range(lex.shape[1]):
                weight = lex_w[r, s]
                if weight == 0:
                    break
                term = lex[r, s]
                if lex_bits[term >> 3] & (1 << (term & 7)):  # a term of the query (else dense is 0)
                    lexical += lex_dense[term] * weight
            fit = _fit(dot, dot_minor, lexical, exact, explicit, related, c, plain)
        partial = _total(
            w, fit, meaning, distance, schedule, pay, accommodations, experience, rel_hi, fresh, congestion
        )
        if partial < threshold - slack:
            continue
        rel = float(reliability[employer[r]])
        score = _total(
            w, fit, meaning, distance, schedule, pay, accommodations, experience, rel, fresh, congestion
        )
        if filled < k:
            _push(heap, filled, score)
            filled += 1
        elif score > heap[0]:
            heap[0] = score
            _sift_down(heap, filled)
        if filled == k:
            threshold = heap[0]
        if score >= threshold - slack:
            out_rows[kept] = r
            out_score[kept] = score
            kept += 1
    return out_rows[:kept], out_score[:kept], threshold


def _curves(c: Curves) -> F64:
    return np.array(
        [
            c.fit_occupation,
            c.fit_minor_group,
            c.fit_text,
            c.fit_exact,
            c.fit_related,
            c.distance_minutes,
            float(c.schedule_full_shifts),
            c.schedule_job_unknown_hours,
            c.pay_unknown,
            c.pay_zero_at,
            c.pay_full_at,
            c.freshness_days,
            c.congestion_full,
        ],
        dtype=np.float64,
    )


def _bits(ids: npt.NDArray[Any], size: int) -> npt.NDArray[np.uint8]:
    """A bitmap of `ids` over 0..size-1 (a 2**20 hashed text space: 128 KB, which stays in cache where the
    dense query vector, 4 MB, does not)."""
    out = np.zeros((size + 7) // 8, dtype=np.uint8)
    ids = np.asarray(ids, dtype=np.int64)
    np.bitwise_or.at(out, ids >> 3, (1 << (ids & 7)).astype(np.uint8))
    return out


def _flags(codes: frozenset[int], size: int) -> npt.NDArray[np.bool_]:
    out = np.zeros(max(size, 1), dtype=np.bool_)
    picked = [code for code in codes if 0 <= code < size]
    out[picked] = True
    return out


def survivors(ranker: "Ranker", s: Seeker, rows: I64, k: int, meaning: "MeaningScale | None") -> I64:
    """The rows of `rows` (in their order) that pass every hard rule and score at least the k-th best of
    them (less SLACK): the top k `Ranker.values` would pick from all of them, and a few more at most.
    `meaning`: the seeker's scale of that factor (Ranker.meaning_scale), or None."""
    index, weights, curves = ranker.index, ranker.weights, ranker.curves
    cols, sh = index.cols.a, index.shifts.a
    q = s.text
    has_lex = len(q.lex_ids) > 0
    margin = weights.occupation_fit * factors.text_share(bool(q.explicit), curves) if has_lex else 0.0
    by_id, (mid, best) = _NO_MEANING, (0.0, 0.0)
    if meaning is not None and meaning.reference is not None:
        by_id, (mid, best) = meaning.by_id, meaning.reference
    meaning_on = best - mid > 1e-9  # as factors.meaning: no spread, no value
    px, py, pz = s.point
    table_minor = ranker.table.minor
    kernel: Any = _survivors  # a numba dispatcher
    with ranker.lex.holding(q) as lex_dense:
        intervals = s.intervals if s.intervals is not None else _NO_INTERVALS
        passing, chord2s, fits, frees = _passing(
            rows,
            cols["req"],
            cols["valid_until"],
            cols["x"],
            cols["y"],
            cols["z"],
            cols["job_free"],
            cols["sh_off"],
            cols["sh_cnt"],
            sh["start"],
            sh["week"],
            sh["minutes"],
            sh["free"],
            sh["bookable"],
            sh["night"],
            int(s.capability),
            float(s.now),
            float(px),
            float(py),
            float(pz),
            float(s.chord2),
            bool(s.minor),
            intervals,
        )
        dots = _slot_dots(
            q.occ,
            tuple(cols[name] for name, _ in ranker.occ_slots),
            tuple(cols[name] for _, name in ranker.occ_slots),
            passing,
        )
        dots_minor = _slot_dots(
            q.minor,
            tuple(cols[name] for name, _ in ranker.minor_slots),
            tuple(cols[name] for _, name in ranker.minor_slots),
            passing,
        )
        found, score, threshold = kernel(
            passing,
            chord2s,
            fits,
            frees,
            dots,
            dots_minor,
            cols["req"],
            cols["lex"],
            cols["lex_w"],
            cols["top_code"],
            cols["accom"],
            cols["flags"],
            cols["pay_hour"],
            cols["exp_req"],
            cols["employer"],
            index.employer_reliability,
            cols["fresh_at"],
            cols["applicants"],
            cols["meaning"],
            float(s.now),
            float(s.chord2),
            intervals.shape[0] == 0,
            q.reach,
            has_lex,
            lex_dense,
            _bits(q.lex_ids, len(lex_dense)),
            bool(q.explicit),
            _flags(q.explicit, len(q.reach)),
            _flags(q.explicit_minor, int(table_minor.max()) + 1 if len(table_minor) else 1),
            table_minor,
            travel_minutes(1.0, s.query.travel_mode),
            float(s.pay_hour),
            float(s.experience),
            int(s.asked),
            int(s.asked_count),
            vocab.POPCOUNT8,
            meaning_on,
            by_id,
            float(mid),
            float(best),
            np.array([weights.of(f) for f in FACTORS], dtype=np.float64),
            _curves(curves),
            int(k),
            float(margin),
            SLACK,
        )
    out: I64 = found[score >= threshold - SLACK]
    return out
