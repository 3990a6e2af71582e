"""The non-personalised list (DESIGN §4): open postings near a point, for anyone, always available.

It reads nothing about a person but, when given, the occupations they picked (a `Wish`, no coder
needed): no text, no certificates, no age, no availability. Reserved (public-welfare) posts are left
out, as they are only for certified people. The score is a sum of contributions like a match's:
distance (by bus), employer reliability, freshness and congestion, and with a wish the closeness of the
posting's occupation to it (related.py), so related work comes first here too.
"""

import time

import numpy as np
import numpy.typing as npt

from services.matching.contracts import Contribution, Match, Reason
from services.matching.ranking import factors, vocab
from services.matching.ranking.eligibility import GIG
from services.matching.ranking.grid import chord2_limit, chord2_rows, concat_ranges, km_of_chord2, point_xyz
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.reasons import _km
from services.matching.ranking.related import Wish, fit_of
from services.matching.ranking.rules import travel_minutes
from services.matching.ranking.weights import CURVES, WEIGHTS, Curves, Weights

POPULAR_FACTORS = ("distance", "reliability", "freshness", "congestion")
RADII_KM = (5.0, 10.0, 20.0, 40.0, 80.0)  # widened until k postings are found

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
_EXCLUDED = np.uint32((1 << vocab.UNAVAILABLE_BIT) | (1 << vocab.RESERVED_BIT))


def _open_rows(index: PostingIndex, rows: I64, now: float) -> tuple[I64, F64]:
    """Open, unreserved rows; gigs need an upcoming bookable shift. Returns rows and their free places."""
    cols, sh = index.cols.a, index.shifts.a
    req = cols["req"][rows]
    rows = rows[((req & _EXCLUDED) == 0) & (cols["valid_until"][rows] > now)]
    free = cols["job_free"][rows].astype(np.float64)
    gig = (cols["req"][rows] & GIG) != 0
    if gig.any():
        g = rows[gig]
        off, cnt = cols["sh_off"][g], cols["sh_cnt"][g]
        flat = concat_ranges(off, off + cnt)
        owner = np.repeat(np.arange(len(g)), cnt)
        ok = sh["bookable"][flat] & (sh["start"][flat] > now)
        free[gig] = np.bincount(owner, weights=np.where(ok, sh["free"][flat], 0), minlength=len(g))
        keep = ~gig | (free > 0)
        rows, free = rows[keep], free[keep]
    return rows, free


def popular_nearby(
    index: PostingIndex,
    lat: float,
    lng: float,
    k: int = 20,
    *,
    now: float | None = None,
    weights: Weights = WEIGHTS,
    curves: Curves = CURVES,
    wish: Wish | None = None,
) -> list[Match]:
    """Up to k open postings around (lat, lng), nearest and freshest first, with contributions; with
    a wish, related work before the rest, each labelled with its `fit`."""
    when = time.time() if now is None else now
    if k <= 0 or len(index) == 0:
        return []
    point = point_xyz(lat, lng)
    cols = index.cols.a
    for radius in RADII_KM:
        rows, free = _open_rows(index, index.candidates(lat, lng, radius), when)
        chord2 = chord2_rows(point, cols["x"][rows], cols["y"][rows], cols["z"][rows])
        near = chord2 <= chord2_limit(radius)
        rows, free, km = rows[near], free[near], km_of_chord2(chord2[near])
        if len(rows) >= k or radius == RADII_KM[-1]:
            break
    values = {
        "distance": factors.distance(km * travel_minutes(1.0, "bus"), curves),
        "reliability": index.employer_reliability[cols["employer"][rows]].astype(np.float64),
        "freshness": factors.freshness(cols["fresh_at"][rows], when, curves),
        "congestion": factors.congestion(cols["applicants"][rows], free, curves),
    }
    names: tuple[str, ...] = POPULAR_FACTORS
    top = cols["top_code"][rows]
    reach = index.encoder.related.reach(wish) if wish is not None and wish.codes else None
    if reach is not None:
        values["occupation_fit"] = reach[top].astype(np.float64)
        names = ("occupation_fit", *POPULAR_FACTORS)
    scored = factors.weigh(values, names, weights)
    order = np.lexsort((rows, -scored.total))[:k]
    out: list[Match] = []
    for i in order.tolist():
        places = int(free[i])
        reasons = (
            Reason(zh=f"离您{_km(float(km[i]))}公里", en=f"{_km(float(km[i]))} km away"),
            Reason(zh=f"还有{places}个名额", en=f"{places} place{'s' if places != 1 else ''} left"),
        )
        is_gig = bool(cols["req"][rows[i]] & GIG)
        out.append(
            Match(
                posting_id=str(cols["id"][rows[i]]),
                score=float(scored.total[i]),
                contributions=tuple(Contribution(f, float(scored.contributions[f][i])) for f in names),
                reasons=reasons,
                extra={
                    "kind": "gig" if is_gig else "job",
                    "distance_km": round(float(km[i]), 2),
                    "personalised": False,
                    "fit": fit_of(index.encoder.related, wish, int(top[i]), float(reach[top[i]]))
                    if wish is not None and reach is not None
                    else None,
                },
            )
        )
    return out
