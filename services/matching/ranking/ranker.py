"""A seeker's matches: the grid prunes to the commute box, stage 1 filters, stage 2 scores the rest."""

import math
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from services.matching.contracts import Contribution, Match, Reason, SeekerQuery
from services.matching.ranking import factors, fused
from services.matching.ranking.eligibility import (
    RULE_TEXT,
    Eligible,
    eligible,
    failed_rules,
    fitting_shifts,
    in_reach,
)
from services.matching.ranking.index import PostingIndex, slots
from services.matching.ranking.ltr import features as ltr_features
from services.matching.ranking.ltr.model import LearnedRanker
from services.matching.ranking.overrides import Override, apply_overrides, latest
from services.matching.ranking.query import Seeker, prepare
from services.matching.ranking.reasons import PairFacts, seeker_reasons
from services.matching.ranking.related import fit_of
from services.matching.ranking.rules import travel_minutes
from services.matching.ranking.text import HASH_SIZE, QueryText
from services.matching.ranking.vocab import CERT_BITS, FLEXIBLE_HOURS, MOM_POST, occupation_table
from services.matching.ranking.weights import CURVES, FACTORS, WEIGHTS, Curves, Weights

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]

_FLEXIBLE_ACCOM = np.uint8(FLEXIBLE_HOURS)
_MOM_POST = np.uint8(MOM_POST)


@dataclass(frozen=True, slots=True)
class MeaningScale:
    """One seeker's `meaning` factor scale: title cosine by vector id, and (median, best) over the open
    postings in reach (None: no posting there has a title vector)."""

    by_id: F64
    reference: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why one posting is or is not among a seeker's matches."""

    posting_id: str
    eligible: bool
    failed: tuple[Reason, ...]  # one per hard rule it fails
    match: Match | None


def slot_dot(
    dense: F32, cols: dict[str, npt.NDArray[Any]], names: Sequence[tuple[str, str]], rows: I64
) -> F64:
    """Per row, the dot product of a dense query vector with the row's fixed-width sparse feature, stored
    one column per slot. Slots hold the heaviest entries first, so the first all-zero slot ends it."""
    out = np.zeros(len(rows))
    for index_name, weight_name in names:
        w = cols[weight_name][rows]
        if not w.any():
            break
        out += dense[cols[index_name][rows]] * w
    return out


class LexScratch:
    """A dense, all-zero float32 vector over the hashed text space, filled with one query's terms at a
    time (float32: a quarter of the cache misses of float64, and exactly the precision rows are kept in)."""

    def __init__(self) -> None:
        self.dense = np.zeros(HASH_SIZE, dtype=np.float32)

    @contextmanager
    def holding(self, q: QueryText) -> Iterator[F32]:
        """The vector with q's terms in it, all zero again afterwards."""
        self.dense[q.lex_ids] = q.lex_w
        try:
            yield self.dense
        finally:
            self.dense[q.lex_ids] = 0.0

    def cosine(self, q: QueryText, terms: npt.NDArray[Any], weights: npt.NDArray[Any], rows: I64) -> F64:
        """The rows' lexical cosine with q: their (rows, width) blocks of term ids and weights, gathered
        once and added slot by slot as slot_dot adds (the first all-zero slot ends it)."""
        ids, w = terms[rows], weights[rows]
        out = np.zeros(len(rows))
        with self.holding(q) as dense:
            for j in range(w.shape[1]):
                slot_w = w[:, j]
                if not slot_w.any():
                    break
                out += dense[ids[:, j]] * slot_w
        return out


def top_k(total: F64, k: int) -> I64:
    """Positions of the k largest, best first (ties: lower position first)."""
    if k <= 0 or len(total) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(total) > k:
        part = np.argpartition(-total, k - 1)[:k]
    else:
        part = np.arange(len(total))
    order = np.lexsort((part, -total[part]))
    return part[order].astype(np.int64)


class Ranker:
    """Ranks an index's postings for seekers. Weights and curves default to weights.py."""

    def __init__(self, index: PostingIndex, weights: Weights = WEIGHTS, curves: Curves = CURVES) -> None:
        self.index = index
        # A learned re-ranker (off unless the service's switch sets it): re-orders the shortlist only.
        self.learned: LearnedRanker | None = None
        self.weights = weights
        self.curves = curves
        self.table = occupation_table()
        self.related = index.encoder.related
        self.lex = LexScratch()
        encoder = index.encoder
        self.occ_slots = list(
            zip(slots("occ", encoder.occ_width), slots("occ_w", encoder.occ_width), strict=True)
        )
        self.minor_slots = list(
            zip(slots("minor", encoder.minor_width), slots("minor_w", encoder.minor_width), strict=True)
        )

    def prepare(self, query: SeekerQuery, now: float | None = None) -> Seeker:
        return prepare(query, self.index.encoder, now)

    def meaning_scale(self, s: Seeker, rows: I64) -> MeaningScale | None:
        """The seeker's title cosines over the open postings in reach among `rows` (computed once per
        distinct title, row by row so that a title's cosine does not depend on which others are here),
        and their (median, best); None without a model of meaning or without words."""
        emb, q = self.index.encoder.meaning, s.text.meaning
        if emb is None or q is None:
            return None
        ids = self.index.cols.a["meaning"][in_reach(self.index, s, rows)]
        ids = ids[ids > 0]
        if len(ids) == 0:
            return MeaningScale(np.zeros(1), None)
        seen = np.zeros(int(ids.max()) + 1, dtype=bool)
        seen[ids] = True
        distinct = np.flatnonzero(seen)
        by_id = np.zeros(len(seen), dtype=np.float64)
        by_id[distinct] = np.einsum("ij,j->i", self.index.encoder.meaning_rows(distinct), q)
        return MeaningScale(by_id, factors.meaning_reference(by_id[ids]))

    def _meaning(self, scale: MeaningScale | None, rows: I64) -> F64:
        if scale is None or scale.reference is None:
            return np.zeros(len(rows))
        ids = self.index.cols.a["meaning"][rows].astype(np.int64)
        present = (ids > 0) & (ids < len(scale.by_id))
        return factors.meaning(scale.by_id[np.where(present, ids, 0)], present, scale.reference)

    def values(
        self, s: Seeker, el: Eligible, bound_k: int = 0, meaning: MeaningScale | None = None
    ) -> tuple[Eligible, dict[str, F64]]:
        """Stage 2 factor values (0..1) of the eligible rows.

        `meaning` is the seeker's scale for that factor (`meaning_scale`, over the postings in reach);
        without it the factor is 0.

        With `bound_k`, rows that cannot reach the top k are dropped before the lexical cosine (the widest
        feature) is computed: with lexical similarity 0 every row's score is a lower bound, the k-th best
        of those a threshold, and a row whose score could not reach it even with lexical similarity 1 is
        out. This changes no top k."""
        cols, rows, q, c = self.index.cols.a, el.rows, s.text, self.curves
        occ = slot_dot(q.occ, cols, self.occ_slots, rows)
        minor = slot_dot(q.minor, cols, self.minor_slots, rows)
        exact: F64 | float = 0.0
        top = cols["top_code"][rows]
        related = q.reach[top].astype(np.float64)  # top_code -1 (none) reads reach's last entry, 0
        if q.explicit:
            same = np.isin(top, list(q.explicit))
            same_minor = np.isin(self.table.minor[np.maximum(top, 0)], list(q.explicit_minor)) & (top >= 0)
            exact = factors.exact_code(same, same_minor)
        flexible = ((cols["accom"][rows] & _FLEXIBLE_ACCOM) | (cols["flags"][rows] & _MOM_POST)) != 0
        minutes = el.km * (travel_minutes(1.0, s.query.travel_mode))
        values = {
            "occupation_fit": np.zeros(len(rows)),
            "meaning": self._meaning(meaning, rows),
            "distance": factors.distance(minutes, c),
            "schedule": factors.schedule(el.is_gig, el.n_fit, s.intervals is None, flexible, c),
            "pay": factors.pay(cols["pay_hour"][rows], s.pay_hour, c),
            "accommodations": factors.accommodations(cols["accom"][rows], s.asked, s.asked_count),
            "experience": factors.experience(cols["exp_req"][rows], s.experience),
            "reliability": self.index.employer_reliability[cols["employer"][rows]].astype(np.float64),
            "freshness": factors.freshness(cols["fresh_at"][rows], s.now, c),
            "congestion": factors.congestion(cols["applicants"][rows], el.free, c),
        }
        explicit = bool(q.explicit)
        if bound_k and len(rows) > bound_k and len(q.lex_ids):
            values["occupation_fit"] = factors.occupation_fit(occ, minor, 0.0, exact, explicit, related, c)
            low = factors.weigh(values, FACTORS, self.weights).total
            threshold = np.partition(low, len(low) - bound_k)[len(low) - bound_k]
            keep = np.flatnonzero(
                low + self.weights.occupation_fit * factors.text_share(explicit, c) >= threshold
            )
            el = el.take(keep)
            values = {f: v[keep] for f, v in values.items()}
            occ, minor, related = occ[keep], minor[keep], related[keep]
            exact = exact[keep] if isinstance(exact, np.ndarray) else exact
            rows = el.rows
        lex = self.lex.cosine(q, cols["lex"], cols["lex_w"], rows) if len(q.lex_ids) else np.zeros(len(rows))
        values["occupation_fit"] = factors.occupation_fit(occ, minor, lex, exact, explicit, related, c)
        # The raw pair arrays, for the learned ranker's features (never weighed: not in FACTORS).
        values["pair:occ"], values["pair:minor"], values["pair:lex"] = occ, minor, lex
        values["pair:reach"] = related
        with np.errstate(invalid="ignore", divide="ignore"):
            values["pair:pay_ratio"] = cols["pay_hour"][rows].astype(np.float64) / s.pay_hour
        return el, values

    def rank(
        self,
        query: SeekerQuery,
        k: int = 20,
        *,
        kinds: Collection[str] | None = None,
        now: float | None = None,
        prune: bool = True,
        bound: bool = True,
    ) -> list[Match]:
        """The seeker's top k eligible postings, best first. `prune=False` scans every row and
        `bound=False` scores every eligible row in full (the exact scorer both are tested against)."""
        if kinds is not None:
            query = replace(query, kinds=frozenset(kinds) & query.kinds)
        s = self.prepare(query, now)
        if s.too_young or k <= 0 or len(self.index) == 0:
            return []
        rows = self.index.candidates(query.lat, query.lng, s.radius_km) if prune else self.index.all_rows()
        learned = self.learned
        shortlist = max(k, learned.shortlist) if learned is not None else k
        meaning = self.meaning_scale(s, rows)
        if bound and len(rows) >= fused.MIN_ROWS:
            rows = fused.survivors(self, s, rows, shortlist, meaning)
        el = eligible(self.index, s, rows)
        if len(el.rows) == 0:
            return []
        el, values = self.values(s, el, shortlist if bound else 0, meaning)
        scored = factors.weigh(values, FACTORS, self.weights)
        picks = top_k(scored.total, shortlist)
        if learned is None:
            return self._matches(s, el, values, scored, picks)
        learned_scores = learned.score(self.features(s, el, values, scored, picks))
        order = np.lexsort((np.arange(len(picks)), -learned_scores))[:k]
        return self._matches(s, el, values, scored, picks[order], learned_scores[order])

    def warm(self) -> None:
        """Compile the pass over the box for this index's columns (or load it from numba's cache), so that
        the first seeker with a large box does not wait for it."""
        s = self.prepare(SeekerQuery(seeker_id="warm-up", lat=0.0, lng=0.0), now=0.0)
        fused.survivors(self, s, np.zeros(0, dtype=np.int64), 1, None)

    def features(
        self, s: Seeker, el: Eligible, values: dict[str, F64], scored: factors.Scored, picks: I64
    ) -> F64:
        """The learned ranker's feature rows (ltr/features.py) for the picked positions of `el`."""
        per_minute = travel_minutes(1.0, s.query.travel_mode)
        return ltr_features.matrix(
            values, picks, minutes=el.km * per_minute, n_fit=el.n_fit, is_gig=el.is_gig, total=scored.total
        )

    def rank_rows(self, query: SeekerQuery, rows: I64, *, now: float | None = None) -> list[Match]:
        """Every eligible posting among `rows`, scored in full, best first (no top-k cut): the morning
        dispatch weighs each worker against every shift on a station's board."""
        s = self.prepare(query, now)
        if s.too_young or len(rows) == 0:
            return []
        el = eligible(self.index, s, rows)
        if len(el.rows) == 0:
            return []
        el, values = self.values(s, el, 0, self.meaning_scale(s, rows))
        scored = factors.weigh(values, FACTORS, self.weights)
        return self._matches(s, el, values, scored, top_k(scored.total, len(el.rows)))

    def _matches(
        self,
        s: Seeker,
        el: Eligible,
        values: dict[str, F64],
        scored: factors.Scored,
        picks: I64,
        learned: F64 | None = None,
    ) -> list[Match]:
        """Match objects for the picked positions of `el` (only these leave numpy), each with the
        learned ranker's features (for the impression log) and, when it ordered them, its score."""
        cols = self.index.cols.a
        feats = self.features(s, el, values, scored, picks).tolist()
        learned_list = learned.tolist() if learned is not None else None
        ranker = self.learned.name if learned is not None and self.learned else ltr_features.HAND_RANKER
        rows = el.rows[picks]
        vals = np.stack([values[f][picks] for f in FACTORS], axis=1).tolist()
        contribs = np.stack([scored.contributions[f][picks] for f in FACTORS], axis=1).tolist()
        totals = scored.total[picks].tolist()
        km = el.km[picks].tolist()
        is_gig = el.is_gig[picks].tolist()
        n_fit = el.n_fit[picks].astype(np.int64).tolist()
        ids = self.index.ids_of(rows)
        top = cols["top_code"][rows].tolist()
        certs = (cols["req"][rows] & np.uint32(CERT_BITS)).tolist()
        accom = cols["accom"][rows].tolist()
        pay_lo, pay_hi = cols["pay_lo"][rows].tolist(), cols["pay_hi"][rows].tolist()
        pay_unit = cols["pay_unit"][rows].tolist()
        fresh = cols["fresh_at"][rows].tolist()
        gig_rows = rows[el.is_gig[picks]]
        shifts = iter(fitting_shifts(self.index, s, gig_rows)) if len(gig_rows) else iter(())
        per_minute = travel_minutes(1.0, s.query.travel_mode)
        has_pay = not math.isnan(s.pay_hour)
        wish, reach = s.text.wish, s.text.reach
        out: list[Match] = []
        for j in range(len(rows)):
            fit = fit_of(self.related, wish, top[j], float(reach[top[j]]))
            contributions = dict(zip(FACTORS, contribs[j], strict=True))
            facts = PairFacts(
                values=dict(zip(FACTORS, vals[j], strict=True)),
                km=km[j],
                minutes=km[j] * per_minute,
                mode=s.query.travel_mode,
                is_gig=is_gig[j],
                n_fit=n_fit[j],
                any_time=s.intervals is None,
                certificates=certs[j],
                accommodations_offered=accom[j],
                accommodations_asked=s.asked,
                occupation_name=self.table.name(top[j]) if top[j] >= 0 and s.text.has_text else None,
                same_code=top[j] in s.text.explicit,
                pay_lo=pay_lo[j],
                pay_hi=pay_hi[j],
                pay_unit=pay_unit[j],
                has_pay_expectation=has_pay,
                fresh_days=(s.now - fresh[j]) / 86400.0,
                fit=fit,
            )
            out.append(
                Match(
                    posting_id=ids[j],
                    score=totals[j],
                    contributions=tuple(map(Contribution, FACTORS, contribs[j])),
                    reasons=seeker_reasons(facts, contributions),
                    shift_ids=next(shifts) if is_gig[j] else (),
                    extra={
                        "kind": "gig" if is_gig[j] else "job",
                        "distance_km": round(km[j], 2),
                        "travel_minutes": round(facts.minutes, 1),
                        "fit": fit,
                        "features": ltr_features.as_dict(feats[j]),
                        "ranker": ranker,
                        "learned_score": learned_list[j] if learned_list is not None else None,
                    },
                )
            )
        return out

    def rank_with_overrides(
        self, query: SeekerQuery, k: int, overrides: Iterable[Override], *, now: float | None = None
    ) -> list[Match]:
        """rank() with staff overrides applied; a pinned posting outside the top k is added when the hard
        rules allow it (a pin never overrules them)."""
        overrides = list(overrides)
        matches = self.rank(query, k, now=now)
        present = {m.posting_id for m in matches}
        for posting_id, o in latest(overrides).items():
            if o.action == "pin" and posting_id not in present:
                found = self.explain(query, posting_id, now=now).match
                if found is not None:
                    matches.append(found)
        return apply_overrides(matches, overrides)[:k]

    def explain(self, query: SeekerQuery, posting_id: str, *, now: float | None = None) -> Explanation:
        """One posting for one seeker: the hard rules it fails, or its match with contributions."""
        s = self.prepare(query, now)
        row = self.index.row(posting_id)
        if row is None:
            reason = Reason(*RULE_TEXT["open"])
            return Explanation(posting_id, False, (reason,), None)
        failed = failed_rules(self.index, s, row)
        if failed:
            return Explanation(posting_id, False, tuple(Reason(*RULE_TEXT[r]) for r in failed), None)
        # the meaning factor's scale is over every posting in reach: the same value as in rank()
        scale = self.meaning_scale(s, self.index.candidates(query.lat, query.lng, s.radius_km))
        el, values = self.values(s, eligible(self.index, s, np.array([row], dtype=np.int64)), 0, scale)
        scored = factors.weigh(values, FACTORS, self.weights)
        match = self._matches(s, el, values, scored, np.zeros(1, dtype=np.int64))[0]
        return Explanation(posting_id, True, (), match)
