"""The learned ranker on a simulated market with hidden preferences (issue 14, part 3).

The market (seeded, deterministic): `--postings` synthetic open postings and `--seekers` seekers over
Shandong (services/matching/ranking/synthetic.py), drawing their work from `--occupations` occupations
of the classification so that wishes and postings meet; the service's own index and `Ranker` with the
classification-only coder stand-in (benchmarks/matching_data.ClassificationPredictor).

Hidden preferences, which no ranker sees: each seeker weighs occupation fit, travel time and pay by
tastes of their own (log-normal around 1), dislikes long commutes more than exp(-minutes/30) says, cares
about pay beyond the hand-set 1.3× cap, minds an employer's reliability for gigs, and has a latent
affinity to each posting (the dot product of two 4-d Gaussian vectors, ×0.5). An item shown at position
k is examined with probability 1/k (the position-based model); once examined it is applied for with
probability σ(utility − 1); a job application is accepted (a hire, label 3) with a probability rising
with occupation fit and experience (else label 1); a gig application is booked (2) and then either
completed and paid (3) or a no-show (−1), more likely for long commutes and unreliable employers.

Logging: every seeker visits `--visits` times; each visit, 15 % of the postings in their hand-set
shortlist (top 40) are unavailable (filled, paused), the hand-set top 20 of the rest is shown and the
user model acts on it. Those logs — nothing else — train the learned ranker (`train_gated`: propensities
by intervention harvesting, IPS-weighted lambdarank, the SNIPS gate) on 75 % of the seekers.

Judged on the other 25 %, over each seeker's hand-set shortlist: NDCG@10 of hires (relevance = the
hidden probability that the seeker, examining the posting, is hired or completes paid work) for the
hand-set order and the learned one, the mean per-seeker difference with a bootstrap 95 % interval;
expected hires per 1,000 visits under the position-based model; the counterfactual IPS/SNIPS estimates
on the held-out logs; and two ablations: no position-bias correction, and the true propensities.

`python -m benchmarks.ltr_simulation [--postings 20000 --seekers 4000 --visits 3] [--speed 200000]`;
in `make bench` (`python -m benchmarks.run --only ltr_simulation`). `--speed N` also times a seeker's
top 20 in process with the learned ranker on and off over an index of N postings (default 1,000,000, or
50,000 with BENCH_QUICK=1; 0 skips it).
"""

import argparse
import json
import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.latency import summary_ms
from benchmarks.matching_data import ClassificationPredictor
from services.matching.contracts import SeekerQuery
from services.matching.ranking import synthetic
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ltr import features as ltr_features
from services.matching.ranking.ltr.features import FEATURES
from services.matching.ranking.ltr.logged import Logged
from services.matching.ranking.ltr.model import LearnedRanker
from services.matching.ranking.ltr.propensity import Propensities
from services.matching.ranking.ltr.train import counterfactual, fit, train_gated
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder

F64 = npt.NDArray[np.float64]
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SEED = 1414
SHORTLIST, SHOWN, UNAVAILABLE = 40, 20, 0.15
ETA = 1.0  # true examination: (1/k)^ETA
COL = {f: j for j, f in enumerate(FEATURES)}


def sigmoid(x: F64) -> F64:
    out: F64 = 1.0 / (1.0 + np.exp(-x))
    return out


@dataclass
class Shortlist:
    seeker: int
    postings: list[str]
    x: F64  # SHORTLIST × FEATURES, in hand-set order
    p_apply: F64
    p_hire: F64  # given an application: hired (job) or completed and paid (gig)
    p_no_show: F64  # given an application (gigs only)

    @property
    def relevance(self) -> F64:
        """The hidden probability of a hire or paid completion, once the posting is examined."""
        out: F64 = self.p_apply * self.p_hire
        return out


class Market:
    def __init__(self, n_postings: int, n_seekers: int, n_occupations: int, seed: int) -> None:
        rng = random.Random(seed)
        pool = list(synthetic.classification_texts())
        codes = sorted({c for _, c in pool})
        chosen = set(rng.sample(codes, n_occupations))
        texts: list[tuple[str, str | None]] = [(t, c) for t, c in pool if c in chosen]
        self.snapshots = list(synthetic.postings(n_postings, seed, NOW, texts))
        self.seekers = synthetic.seekers(n_seekers, seed + 1, NOW, texts)
        index = PostingIndex(TextEncoder(ClassificationPredictor()))
        index.build(self.snapshots)
        self.ranker = Ranker(index)
        g = np.random.default_rng(seed)
        self.taste = np.exp(g.normal(0.0, 0.4, size=(n_seekers, 3)))  # occupation, travel, pay
        self.u = g.normal(size=(n_seekers, 4))
        self.v = {s["id"]: g.normal(size=4) for s in self.snapshots}

    def shortlist(self, n: int, q: SeekerQuery) -> Shortlist | None:
        found = self.ranker.rank(q, SHORTLIST, now=NOW.timestamp())
        if len(found) < SHOWN:
            return None
        x = ltr_features.from_dicts([m.extra["features"] for m in found])  # type: ignore[misc]
        ids = [m.posting_id for m in found]
        occ, minutes = x[:, COL["occupation_fit"]], x[:, COL["travel_minutes"]]
        ratio = np.nan_to_num(x[:, COL["pay_ratio"]], nan=1.0)
        gig, rel = x[:, COL["is_gig"]], x[:, COL["reliability"]]
        t = self.taste[n]
        latent = np.array([self.u[n] @ self.v[p] for p in ids]) * 0.5
        utility = (
            2.5 * t[0] * occ
            - t[1] * (minutes / 15.0 + np.maximum(0.0, minutes - 30.0) / 10.0)
            + 2.0 * t[2] * np.clip(np.log(np.maximum(ratio, 1e-3)), -0.6, 0.6)
            + 1.5 * gig * (rel - 0.5)
            + 0.5 * x[:, COL["schedule"]]
            - 0.8 * x[:, COL["congestion"]]
            + latent
        )
        p_apply = sigmoid(utility - 1.0)
        exp_value = x[:, COL["experience"]]
        p_job = sigmoid(2.0 * occ + 1.5 * exp_value - 1.5)
        p_no_show = gig * sigmoid(minutes / 20.0 - 2.5 + 2.0 * (0.5 - rel))
        p_hire = np.where(gig > 0, 0.9 * (1.0 - p_no_show), p_job)  # 10 %: the shift is cancelled
        return Shortlist(n, ids, x, p_apply, p_hire, p_no_show)


def log_visits(market: Market, lists: list[Shortlist], visits: int, seed: int) -> Logged:
    """The hand-set ranker's lists as shown on each visit, and what the position-biased users did."""
    g = np.random.default_rng(seed)
    exam = (1.0 / np.arange(1, SHOWN + 1)) ** ETA
    xs, labels, positions, groups, pairs, users = [], [], [], [], [], []
    pair_ids: dict[tuple[int, str], int] = {}
    group = 0
    for sl in lists:
        for _ in range(visits):
            available = np.flatnonzero(g.random(len(sl.postings)) >= UNAVAILABLE)[:SHOWN]
            n = len(available)
            examined = g.random(n) < exam[:n]
            applied = examined & (g.random(n) < sl.p_apply[available])
            gig = sl.x[available, COL["is_gig"]] > 0
            outcome = g.random(n)
            no_show = applied & gig & (outcome < sl.p_no_show[available])
            hired = applied & ~no_show & (outcome < sl.p_hire[available] + sl.p_no_show[available] * gig)
            label = np.where(applied, np.where(gig, 2, 1), 0)
            label = np.where(hired, 3, label)
            label = np.where(no_show, -1, label)
            xs.append(sl.x[available])
            labels.append(label)
            positions.append(np.arange(1, n + 1))
            groups.append(np.full(n, group))
            pairs.append([pair_ids.setdefault((sl.seeker, sl.postings[i]), len(pair_ids)) for i in available])
            users.append(np.full(n, sl.seeker))
            group += 1
    return Logged(
        np.concatenate(xs),
        np.concatenate(labels).astype(np.int64),
        np.concatenate(positions).astype(np.int64),
        np.concatenate(groups).astype(np.int64),
        np.concatenate(pairs).astype(np.int64),
        np.concatenate(users).astype(np.int64),
    )


def ndcg_at(rel: F64, order: npt.NDArray[np.int64], k: int = 10) -> float:
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = float((np.sort(rel)[::-1][:k] * discount[: min(k, len(rel))]).sum())
    got = float((rel[order[:k]] * discount[: min(k, len(order))]).sum())
    return got / ideal if ideal > 0 else 0.0


def expected_hires(rel: F64, order: npt.NDArray[np.int64]) -> float:
    exam = (1.0 / np.arange(1, SHOWN + 1)) ** ETA
    return float((rel[order[:SHOWN]] * exam[: min(SHOWN, len(order))]).sum())


def judge(lists: list[Shortlist], score: Any) -> tuple[F64, F64]:
    """Per seeker: NDCG@10 of hires and expected hires per visit for the order `score(x)` gives."""
    ndcg, hires = [], []
    for sl in lists:
        s = score(sl.x)
        order = np.lexsort((np.arange(len(s)), -s)).astype(np.int64)
        ndcg.append(ndcg_at(sl.relevance, order))
        hires.append(expected_hires(sl.relevance, order))
    return np.array(ndcg), np.array(hires)


def bootstrap(diff: F64, seed: int = 0, n: int = 2000) -> tuple[float, float]:
    g = np.random.default_rng(seed)
    means = g.choice(diff, size=(n, len(diff)), replace=True).mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def simulate(n_postings: int, n_seekers: int, visits: int, n_occupations: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    market = Market(n_postings, n_seekers, n_occupations, seed)
    lists = [sl for n, q in enumerate(market.seekers) if (sl := market.shortlist(n, q)) is not None]
    built = time.perf_counter() - started
    rng = np.random.default_rng(seed)
    test_users = set(rng.choice([sl.seeker for sl in lists], size=len(lists) // 4, replace=False).tolist())
    train_lists = [sl for sl in lists if sl.seeker not in test_users]
    test_lists = [sl for sl in lists if sl.seeker in test_users]
    logs = log_visits(market, train_lists, visits, seed)
    test_logs = log_visits(market, test_lists, visits, seed + 1)
    verdict = train_gated(logs, source="simulation")
    hand_ndcg, hand_hires = judge(test_lists, lambda x: x[:, COL["hand_score"]])
    out: dict[str, Any] = {
        "market": {
            "postings": n_postings,
            "seekers_with_a_list": len(lists),
            "occupations": n_occupations,
            "visits": visits,
            "logged_rows": len(logs),
            "outcomes": {str(v): int((logs.label == v).sum()) for v in (-1, 1, 2, 3)},
            "build_seconds": round(built, 1),
        },
        "gate": {"beats": verdict.beats, "reason": verdict.reason},
        "propensities": {
            "true": [round(float(v), 4) for v in (1.0 / np.arange(1, SHOWN + 1)) ** ETA],
            "harvested": verdict.propensities,
            "ratios_harvested": sum(verdict.harvested),
        },
        "hand_set": {"ndcg10_hires": round(float(hand_ndcg.mean()), 4), "hires_per_1000": _per_k(hand_hires)},
    }
    true_prop = Propensities((1.0 / np.arange(1, SHOWN + 1)) ** ETA)
    train_part, _ = logs.split(0.25, 0)
    variants: dict[str, LearnedRanker | Any] = {}
    if verdict.model is not None:
        variants["learned"] = verdict.model.booster
    variants["learned_no_correction"] = fit(train_part, None)
    variants["learned_true_propensities"] = fit(train_part, true_prop)
    for name, booster in variants.items():
        ndcg, hires = judge(test_lists, lambda x, b=booster: np.asarray(b.predict(x, num_threads=1)))
        lo, hi = bootstrap(ndcg - hand_ndcg)
        out[name] = {
            "ndcg10_hires": round(float(ndcg.mean()), 4),
            "margin_vs_hand": round(float((ndcg - hand_ndcg).mean()), 4),
            "margin_95ci": [round(lo, 4), round(hi, 4)],
            "hires_per_1000": _per_k(hires),
            "counterfactual_on_test_logs": counterfactual(
                test_logs, np.asarray(booster.predict(test_logs.x, num_threads=1)), true_prop
            ),
        }
    out["hand_set"]["counterfactual_on_test_logs"] = counterfactual(
        test_logs, test_logs.hand_score, true_prop
    )
    out["seconds"] = round(time.perf_counter() - started, 1)
    if verdict.model is not None:
        out["_model"] = verdict.model
    return out


def _per_k(hires: F64) -> float:
    return round(float(hires.mean()) * 1000, 1)


def speed(n_postings: int, model: LearnedRanker, queries: int = 1000, seed: int = SEED) -> dict[str, Any]:
    """A seeker's top 20 in process, learned ranker off and on, over an index of n postings: three
    interleaved rounds over the same queries (off, on, off, on, ...); each query's fastest round is
    judged, as benchmarks/matching_speed.py does, since other processes share this machine."""
    index = PostingIndex(TextEncoder(ClassificationPredictor()))
    started = time.perf_counter()
    index.build(synthetic.postings(n_postings, seed, NOW))
    build = time.perf_counter() - started
    ranker = Ranker(index)
    seekers = synthetic.seekers(queries, seed + 7, NOW)
    out: dict[str, Any] = {"postings": n_postings, "build_seconds": round(build, 1), "queries": queries}
    variants: dict[str, LearnedRanker | None] = {"hand_set": None, "learned": model}
    times: dict[str, list[list[float]]] = {name: [] for name in variants}
    for q in seekers[:50]:  # warm caches
        ranker.rank(q, 20, now=NOW.timestamp())
    for _ in range(3):
        for name, learned in variants.items():
            ranker.learned = learned
            this: list[float] = []
            for q in seekers:
                t0 = time.perf_counter()
                ranker.rank(q, 20, now=NOW.timestamp())
                this.append(time.perf_counter() - t0)
            times[name].append(this)
    ranker.learned = None
    for name, rounds in times.items():
        best = [min(r[i] for r in rounds) for i in range(queries)]
        out[name] = {"best_of_3": summary_ms(best), "first_round": summary_ms(rounds[0])}
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--seekers", type=int, default=6_000)
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--occupations", type=int, default=60)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--speed",
        type=int,
        default=50_000 if os.environ.get("BENCH_QUICK") == "1" else 1_000_000,
        help="also time matches over this many postings (0: not)",
    )
    parser.add_argument("--save-model", help="write the learned model (and its metadata) here")
    args = parser.parse_args(argv if argv is not None else [])
    result = simulate(args.postings, args.seekers, args.visits, args.occupations, args.seed)
    model: LearnedRanker | None = result.pop("_model", None)
    if model is not None and args.save_model:
        from pathlib import Path

        model.save(Path(args.save_model))
    if args.speed and model is not None:
        result["speed"] = speed(args.speed, model)
    return result


if __name__ == "__main__":
    import sys

    print(json.dumps(main(sys.argv[1:]), ensure_ascii=False, indent=2))
