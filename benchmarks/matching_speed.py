"""Matching speed (the issue's part 6): the in-memory ranking at a million postings, against its targets
and against plain PostgreSQL answering the same seeker queries in the same run.

Data (seeded, deterministic): `--postings` open posting snapshots (`PostingRead` JSON, as the replica
holds them) over Shandong's counties, 30 % gigs with dated shifts, titles and descriptions resampled from
the shared real postings when they are there (else from the classification), and `--seekers` seekers.

Measured: the index build (text encoding reported apart, and included), the resident memory it adds,
a seeker's top 20 in process (p50/p99 over `--queries` queries; single-threaded, so on one core, and
`--pin` pins it to one), recall@20 of the pruned ranker against the exact scorer, an employer's top 50
among the seekers, upsert throughput and the in-process part of the feed lag (upsert → in the next match
result); then the same seeker queries in PostgreSQL (benchmarks/matching_pg.py) and ours ÷ theirs.
Latencies are measured in three interleaved rounds (benchmarks/latency.py): the targets are judged on
each query's fastest round, since other processes share this machine, and the first round as measured
and its CPU time are reported beside it. The HTTP p95 (a seeker's matches through the service under
uvicorn) and the end-to-end feed lag (published in the postings service → in a match result, over the
replica) run on the same index (benchmarks/matching_http.py).

`make bench` runs the full size (1,000,000 postings, 100,000 seekers) unless BENCH_QUICK=1 (50,000 /
10,000); `python -m benchmarks.matching_speed --postings 50000 --seekers 10000 [--no-pg] [--out F]`
runs it alone. Never a timed test: the figures go to the JSON report, with a pass/fail flag per target.
"""

import argparse
import asyncio
import ctypes
import gc
import json
import os
import random
import statistics
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.latency import ROUNDS, Latencies, pct, summary_ms
from benchmarks.matching_data import (
    ClassificationPredictor,
    PgColumns,
    Pools,
    Stream,
    sample_positions,
    text_pools,
)
from services.matching.contracts import SeekerQuery
from services.matching.ranking import synthetic
from services.matching.ranking.candidates import SeekerPool, rank_candidates
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Shanghai
SEED = 20261201
TOP_SEEKER, TOP_EMPLOYER = 20, 50
TARGETS = {
    "seeker_top20_p50_ms": 3.0,
    "seeker_top20_p99_ms": 10.0,
    "http_seeker_p95_ms": 50.0,
    "employer_top50_p99_ms": 20.0,
    "rss_mb_per_million": 1500.0,
    "build_seconds_per_million": 60.0,
    "feed_lag_p99_s": 1.0,
    "recall_at_20_min": 0.99,
}


@dataclass(frozen=True)
class Config:
    postings: int = 1_000_000
    seekers: int = 100_000
    queries: int = 2_000
    warmup: int = 200
    recall_queries: int = 200
    employer_queries: int = 1_000
    upserts: int = 20_000
    seed: int = SEED
    pg: bool = True
    pin: bool = False  # pin the in-process measurements to one CPU (they are single-threaded anyway)

    @classmethod
    def from_env(cls) -> "Config":
        """`make bench`: full size, or BENCH_QUICK=1; BENCH_MATCHING_{POSTINGS,SEEKERS,QUERIES} override."""
        base = cls(postings=50_000, seekers=10_000) if os.environ.get("BENCH_QUICK") == "1" else cls()

        def size(name: str, default: int) -> int:
            return int(os.environ.get(f"BENCH_MATCHING_{name}") or default)

        return replace(
            base,
            postings=size("POSTINGS", base.postings),
            seekers=size("SEEKERS", base.seekers),
            queries=size("QUERIES", base.queries),
        )


# -- measuring ------------------------------------------------------------------------------------
def _malloc_trim() -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: RSS then also holds freed heap pages
        pass


def rss_mb() -> float:
    """Resident memory now, after a full collection and returning free heap pages to the system."""
    gc.collect()
    _malloc_trim()
    with open("/proc/self/statm", encoding="ascii") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


@contextmanager
def one_core(pin: bool) -> Iterator[int | None]:
    """Pin this process to one CPU (the last one it may use) while measuring, then restore."""
    before = os.sched_getaffinity(0)
    if not pin:
        yield None
        return
    cpu = max(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, before)


class Stopwatch:
    """Wraps an object's methods (or callable attributes) to add up the seconds spent in them; `restore`
    puts the originals back."""

    def __init__(self, target: Any, names: Sequence[str]) -> None:
        self.target = target
        self.seconds = dict.fromkeys(names, 0.0)
        self.own = {name: target.__dict__[name] for name in names if name in target.__dict__}
        for name in names:
            setattr(target, name, self._wrap(name, getattr(target, name)))

    def _wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started

        return timed

    def restore(self) -> None:
        for name in self.seconds:
            if name in self.own:
                setattr(self.target, name, self.own[name])
            else:
                delattr(self.target, name)


# -- the encoder ------------------------------------------------------------------------------------
def choose_encoder() -> tuple[TextEncoder, dict[str, Any]]:
    """The real occupation coder when `services.matching.occupations` provides `default_coder()`, else
    the classification-based stand-in (recorded in the report either way)."""
    started = time.perf_counter()
    what: dict[str, Any]
    try:
        from services.matching.ranking.coder import default_encoder

        encoder = default_encoder()
        what = {"encoder": "occupation coder: services.matching.occupations.default_coder()"}
    except (ImportError, AttributeError) as exc:
        encoder = TextEncoder(ClassificationPredictor())
        what = {
            "encoder": "fallback: classification names and aliases found in the text "
            "(benchmarks/matching_data.py ClassificationPredictor)",
            "why": f"{type(exc).__name__}: {exc}",
        }
    what["load_seconds"] = round(time.perf_counter() - started, 2)
    return encoder, what


# -- the measurements -------------------------------------------------------------------------------
def build_index(
    cfg: Config, encoder: TextEncoder, pools: Pools, keep: set[int]
) -> tuple[PostingIndex, Stream, dict[str, Any]]:
    pg = PgColumns(cfg.postings) if cfg.pg else None
    stream = Stream(cfg.postings, cfg.seed, NOW, pools, pg, keep)
    index = PostingIndex(encoder)
    meaning = encoder.meaning
    stored = len(meaning) if meaning is not None else 0
    embedded, embedding_s = (meaning.computed, meaning.seconds) if meaning is not None else (0, 0.0)
    before = rss_mb()
    encoding = Stopwatch(encoder, ("encode_rows", "fit"))
    predicting = Stopwatch(encoder, ("predictor",))
    started = time.perf_counter()
    index.build(stream)
    total = time.perf_counter() - started
    encoding.restore()
    predicting.restore()
    after = rss_mb()
    build = total - stream.seconds
    per_million = 1e6 / cfg.postings
    text = sum(encoding.seconds.values())
    meaning_report: dict[str, Any] = {"enabled": False}
    if meaning is not None:
        meaning_report = {
            "enabled": True,
            "store_vectors_at_start": stored,
            "titles_embedded_during_build": meaning.computed - embedded,
            "embedding_seconds_during_build": round(meaning.seconds - embedding_s, 1),
            "store_vectors_after": len(meaning),
            "vector_table_mb": round(meaning.matrix.nbytes / 1e6, 1),
            "distinct_titles_indexed": len(set(index.cols.a["meaning"][index.all_rows()].tolist())),
        }
    return (
        index,
        stream,
        {
            "postings_generated": cfg.postings,
            "postings_indexed": len(index),
            "shifts_indexed": index.shifts.n,
            "generation_seconds_excluded": round(stream.seconds, 1),
            "build_seconds": round(build, 1),
            "build_seconds_per_million": round(build * per_million, 1),
            "text_encoding_seconds": round(text, 1),
            "text_encoding_seconds_per_million": round(text * per_million, 1),
            "of_which_occupation_predictor_seconds": round(predicting.seconds["predictor"], 1),
            "rest_of_build_seconds": round(build - text, 1),
            "rss_before_mb": round(before, 1),
            "rss_after_mb": round(after, 1),
            "index_rss_mb": round(after - before, 1),
            "index_rss_mb_per_million": round((after - before) * per_million, 1),
            "index_numpy_mb": round(index.nbytes() / 1e6, 1),
            "what_rss_holds": "numpy columns (with 25 % spare capacity), posting and shift id strings, the "
            "id → row dict, employer codes, the encoder's caches (and the meaning vectors it read)",
            "meaning": meaning_report,
        },
    )


def seeker_latency(
    ranker: Ranker, queries: Sequence[SeekerQuery], warmup: Sequence[SeekerQuery], rounds: int = ROUNDS
) -> dict[str, Any]:
    for q in warmup:
        ranker.rank(q, TOP_SEEKER)
    lat = Latencies(len(queries))
    empty = 0
    for r in range(rounds):
        for i, q in enumerate(queries):
            c0, w0 = time.process_time(), time.perf_counter()
            found = ranker.rank(q, TOP_SEEKER)
            lat.add(i, time.perf_counter() - w0, time.process_time() - c0)
            empty += r == 0 and not found
    index = ranker.index
    boxed = [len(index.candidates(q.lat, q.lng, ranker.prepare(q).radius_km)) for q in queries]
    return lat.report(rounds) | {
        "empty_results": empty,
        "rows_in_commute_box": {"p50": int(pct(boxed, 0.5)), "p99": int(pct(boxed, 0.99))},
    }


def meaning_ab(ranker: Ranker, encoder: TextEncoder, queries: Sequence[SeekerQuery]) -> dict[str, Any]:
    """The meaning factor's own cost: each query timed with it on and off (the seeker then gets no
    vector, so the factor is skipped), alternately on the same index, in interleaved rounds."""
    store = encoder.meaning
    assert store is not None
    lat = {"on": Latencies(len(queries)), "off": Latencies(len(queries))}
    try:
        for _ in range(ROUNDS):
            for i, q in enumerate(queries):
                for name in ("on", "off") if i % 2 else ("off", "on"):
                    encoder.meaning = store if name == "on" else None
                    c0, w0 = time.process_time(), time.perf_counter()
                    ranker.rank(q, TOP_SEEKER)
                    lat[name].add(i, time.perf_counter() - w0, time.process_time() - c0)
    finally:
        encoder.meaning = store
    return {name: v.report(ROUNDS) for name, v in lat.items()}


def recall_at_k(ranker: Ranker, queries: Sequence[SeekerQuery], k: int = TOP_SEEKER) -> dict[str, Any]:
    """Pruned (grid box + bound) against the exact scorer (every row, every eligible row in full). A
    pruned result whose score ties the exact k-th counts as found (ties may be broken by row order)."""
    recalls: list[float] = []
    strict: list[float] = []
    exact_s: list[float] = []
    for q in queries:
        fast = ranker.rank(q, k)
        started = time.perf_counter()
        exact = ranker.rank(q, k, prune=False, bound=False)
        exact_s.append(time.perf_counter() - started)
        if not exact:
            recalls.append(1.0 if not fast else 0.0)
            strict.append(recalls[-1])
            continue
        ids = {m.posting_id for m in exact}
        floor = exact[-1].score - 1e-9 if len(exact) == k else float("inf")
        recalls.append(sum(1 for m in fast if m.posting_id in ids or m.score >= floor) / len(exact))
        strict.append(sum(1 for m in fast if m.posting_id in ids) / len(exact))
    return {
        "queries": len(queries),
        "recall_at_20_mean": round(statistics.fmean(recalls), 4),
        "recall_at_20_min": round(min(recalls), 4),
        "recall_at_20_ids_only_mean": round(statistics.fmean(strict), 4),
        "exact_scorer": summary_ms(exact_s),
    }


def employer_latency(
    pool: SeekerPool,
    postings: Sequence[dict[str, Any]],
    warmup: Sequence[dict[str, Any]],
    rounds: int = ROUNDS,
) -> dict[str, Any]:
    now = NOW.timestamp()
    for snap in warmup:
        rank_candidates(snap, pool, TOP_EMPLOYER, now=now)
    lat = Latencies(len(postings))
    sizes: list[int] = []
    for r in range(rounds):
        for i, snap in enumerate(postings):
            c0, w0 = time.process_time(), time.perf_counter()
            found = rank_candidates(snap, pool, TOP_EMPLOYER, now=now)
            lat.add(i, time.perf_counter() - w0, time.process_time() - c0)
            if r == 0:
                sizes.append(len(found))
    return lat.report(rounds) | {
        "seekers": len(pool),
        "candidates_returned_p50": int(pct(sizes, 0.5)),
        "short_lists": sum(1 for n in sizes if n < TOP_EMPLOYER),
    }


def _fresh_job(q: SeekerQuery, rng: random.Random) -> dict[str, Any]:
    """A new open job at a seeker's door, in the words they asked for (it should top their list)."""
    iso = NOW.isoformat().replace("+00:00", "Z")
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "employer_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "kind": "job",
        "status": "open",
        "title": q.desired_text or "普工",
        "description": "",
        "occupation_code": q.occupation_codes[0] if q.occupation_codes else None,
        "location": {"lat": q.lat, "lng": q.lng, "county_adcode": None, "address": None},
        "pay": {"min": "9000", "max": "12000", "unit": "month"},
        "headcount": 5,
        "experience_years": 0,
        "certificates": [],
        "physical_demand": "light",
        "accommodations": ["step_free", "seated_work", "sign_language", "flexible_hours"],
        "flags": [],
        "valid_until": (NOW + timedelta(days=30)).isoformat().replace("+00:00", "Z"),
        "published_at": iso,
        "updated_at": iso,
        "version": 1,
        "shifts": [],
        "applicants": 0,
    }


def writes(
    cfg: Config, ranker: Ranker, pools: Pools, kept: list[dict[str, Any]], queries: Sequence[SeekerQuery]
) -> dict[str, Any]:
    """Upsert throughput (new postings, in-place updates, one at a time and in feed batches), removal,
    a compaction, and the in-process feed lag: upsert a posting, then rank it for its seeker."""
    index = ranker.index
    fresh = list(synthetic.postings(cfg.upserts, cfg.seed + 7, NOW, pools.texts, pools.descriptions))
    out: dict[str, Any] = {}
    start = 0
    for label, size, count in (("one_at_a_time", 1, 500), ("batch_100", 100, 0), ("batch_500", 500, 0)):
        count = count or (cfg.upserts - 500) // 2
        part = fresh[start : start + count]
        start += count
        started = time.perf_counter()
        for i in range(0, len(part), size):
            index.upsert_many(part[i : i + size])
        took = time.perf_counter() - started
        out[f"new_{label}"] = {"postings": len(part), "us_per_posting": round(took / len(part) * 1e6, 1),
                               "per_second": round(len(part) / took)}  # fmt: skip
    updates = [
        s | {"applicants": int(s.get("applicants") or 0) + 1, "version": 2, "headcount": 9}
        for s in kept
        if s["kind"] == "job"
    ]
    started = time.perf_counter()
    for i in range(0, len(updates), 100):
        index.upsert_many(updates[i : i + 100])
    took = time.perf_counter() - started
    out["update_in_place_batch_100"] = {
        "postings": len(updates),
        "us_per_posting": round(took / max(1, len(updates)) * 1e6, 1),
    }
    gone = [s["id"] for s in fresh[:1000]]
    started = time.perf_counter()
    for posting_id in gone:
        index.remove(posting_id)
    out["remove_us"] = round((time.perf_counter() - started) / len(gone) * 1e6, 1)
    started = time.perf_counter()
    index.compact()
    out["compact_seconds"] = round(time.perf_counter() - started, 2)
    rng = random.Random(cfg.seed + 11)
    lags: list[float] = []
    found = 0
    askers = [q for q in queries if "job" in q.kinds and q.desired_text][:300]
    for q in askers:
        snap = _fresh_job(q, rng)
        started = time.perf_counter()
        index.upsert(snap)
        top = ranker.rank(q, TOP_SEEKER)
        lags.append(time.perf_counter() - started)
        found += any(m.posting_id == snap["id"] for m in top)
    out["apply_to_visible"] = summary_ms(lags) | {
        "postings": len(askers),
        "in_the_seekers_top20": found,
        "what": "in process: index.upsert(snapshot) then Ranker.rank for a seeker it suits; the replica's "
        "feed read and the HTTP hop are not in it (see feed_lag)",
    }
    return out


HTTP_SEEKERS, HTTP_ROUNDS, HTTP_WARMUP = 400, 2, 50
FEED_POSTINGS, FEED_SEEKERS = 60, 10


def _measured(name: str, measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One HTTP measurement; a failure is reported in its place (servers and temporary databases are
    cleaned up inside) so that the rest of the report survives."""
    try:
        return measure()
    except Exception as exc:  # noqa: BLE001 - the in-process figures and PostgreSQL still count
        print(f"  {name}: failed: {exc!r}", flush=True)
        return {"failed": repr(exc), "trace": traceback.format_exc(limit=8)}


def http_seeker_p95(cfg: Config, ranker: Ranker, queries: Sequence[SeekerQuery]) -> dict[str, Any]:
    """GET /v1/seekers/{id}/matches?top_k=20 through the matching service under uvicorn on 127.0.0.1,
    its engine this `ranker` (target p95 ≤ 50 ms); /healthz through the same client as the baseline, and
    the posting ids checked against `ranker.rank` (benchmarks/matching_http.py)."""
    from benchmarks import matching_http

    def measure() -> dict[str, Any]:
        return matching_http.seeker_matches(
            ranker, queries, NOW, seekers=HTTP_SEEKERS, rounds=HTTP_ROUNDS, warmup=HTTP_WARMUP, seed=cfg.seed
        )

    out = _measured("HTTP seeker matches", measure)
    if "p95_ms" in out:
        check = out["results_equal_in_process"]
        print(
            f"  HTTP seeker top 20: p50 {out['p50_ms']} / p95 {out['p95_ms']} / p99 {out['p99_ms']} ms "
            f"(/healthz p50 {out['baseline_healthz']['p50_ms']} ms); same ids as in process: "
            f"{check['same_posting_ids_in_the_same_order']}/{check['seekers_checked']}",
            flush=True,
        )
    return out


def feed_lag(cfg: Config, ranker: Ranker) -> dict[str, Any]:
    """Posting published through the postings API → in the seeker's matches from the matching API, the
    replica consumer following the feed over HTTP and feeding an engine over this `ranker` (target
    p99 ≤ 1 s; benchmarks/matching_http.py). Its seekers are drawn apart from the benchmark's queries
    (titles from the classification), which `run` does not hand over."""
    from benchmarks import matching_http

    def measure() -> dict[str, Any]:
        seekers = synthetic.seekers(FEED_SEEKERS * 20, cfg.seed + 13, NOW)
        return matching_http.feed_lag(ranker, seekers, NOW, postings=FEED_POSTINGS, seekers=FEED_SEEKERS)

    out = _measured("feed lag", measure)
    if "p99_s" in out:
        print(
            f"  feed lag: p50 {out['p50_ms']} / p99 {out['p99_ms']} / max {out['max_ms']} ms; "
            f"{out['never_listed_within_cap']} of {out['postings']} never listed within "
            f"{out['cap_seconds']} s",
            flush=True,
        )
    return out


def postgres(
    cfg: Config, pg: PgColumns, queries: Sequence[SeekerQuery], warmup: Sequence[SeekerQuery]
) -> dict[str, Any]:
    from benchmarks import matching_pg
    from benchmarks.common import scratch_pg_database

    with scratch_pg_database("lingong_bench_matching") as url:
        if url is None:
            return {"skipped": "PostgreSQL does not answer (BENCH_DATABASE_URL / TEST_DATABASE_URL)"}
        return asyncio.run(matching_pg.run(url, pg, queries, warmup, NOW))


# -- the run ----------------------------------------------------------------------------------------
def run(cfg: Config) -> dict[str, Any]:
    wall_started = time.perf_counter()
    report: dict[str, Any] = {
        "config": asdict(cfg),
        "now": NOW.isoformat(),
        "load_average_start": os.getloadavg(),
    }
    encoder, report["text_encoder"] = choose_encoder()
    pools = text_pools(ClassificationPredictor())
    report["text_source"] = pools.source
    keep = sample_positions(cfg.postings, cfg.employer_queries + 200, cfg.seed + 3)
    index, stream, report["build"] = build_index(cfg, encoder, pools, keep)
    print(f"  built: {report['build']['build_seconds']} s, {report['build']['index_rss_mb']} MB", flush=True)

    started = time.perf_counter()
    everyone = synthetic.seekers(cfg.seekers, cfg.seed + 1, NOW, pools.texts)
    report["seekers_generation_seconds"] = round(time.perf_counter() - started, 1)
    queries = everyone[: cfg.queries]
    warmup = everyone[cfg.queries : cfg.queries + cfg.warmup]
    ranker = Ranker(index)
    if encoder.meaning is not None:
        # the seeker's sentence vector is made when the profile is saved (or on first use, then kept):
        # made here, before the timed queries, and its cost reported apart
        emb, started, computed = encoder.meaning, time.perf_counter(), encoder.meaning.computed
        for q in (*queries, *warmup):
            encoder.encode_query(q.desired_text, q.occupation_codes)
        report["seeker_vectors"] = {
            "seekers": len(queries) + len(warmup),
            "embedded": emb.computed - computed,
            "seconds": round(time.perf_counter() - started, 2),
        }
    with one_core(cfg.pin) as cpu:
        report["pinned_cpu"] = cpu
        report["load_average_queries"] = os.getloadavg()
        report["seeker_top20"] = seeker_latency(ranker, queries, warmup)
        if encoder.meaning is not None:
            report["seeker_top20_meaning_ab"] = meaning_ab(ranker, encoder, queries)
        report["recall"] = recall_at_k(ranker, queries[: cfg.recall_queries])
    print(f"  seeker top 20: {report['seeker_top20']['wall_best_of_rounds']}", flush=True)

    before = rss_mb()
    started = time.perf_counter()
    pool = SeekerPool(everyone, encoder)
    report["seeker_pool"] = {
        "seekers": len(pool),
        "build_seconds": round(time.perf_counter() - started, 1),
        "rss_mb": round(rss_mb() - before, 1),
    }
    kept = stream.kept
    with one_core(cfg.pin):
        report["employer_top50"] = employer_latency(
            pool, kept[: cfg.employer_queries], kept[cfg.employer_queries :]
        )
    print(f"  employer top 50: {report['employer_top50']['wall_best_of_rounds']}", flush=True)
    del pool

    report["writes"] = writes(cfg, ranker, pools, kept, queries)
    report["http_seeker_matches"] = http_seeker_p95(cfg, ranker, queries)
    report["feed_lag"] = feed_lag(cfg, ranker)
    report["peak_rss_mb_before_postgres"] = round(peak_rss_mb(), 1)
    del ranker, index, kept

    if cfg.pg and stream.pg is not None:
        report["postgres"] = theirs = postgres(cfg, stream.pg, queries, warmup)
        if "variants" in theirs:
            report["ours_over_postgres"] = ratios(report["seeker_top20"], theirs["variants"])
    else:
        report["postgres"] = {"skipped": "disabled (--no-pg)"}
    report["targets"] = targets(report)
    report["total_seconds"] = round(time.perf_counter() - wall_started, 1)
    return report


def ratios(ours: dict[str, Any], variants: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Ours ÷ each PostgreSQL variant's, p50 and p99; `best` is the variant with the lowest p99 among
    those whose recall@20 against the exact SQL is at least the target's."""
    out: dict[str, Any] = {}
    for name, theirs in variants.items():
        out[name] = {}
        for basis in ("wall_best_of_rounds", "wall_first_round"):
            a, b = ours[basis], theirs[basis]
            out[name][basis] = {q: round(a[f"{q}_ms"] / b[f"{q}_ms"], 3) for q in ("p50", "p99")}
    fair = [n for n, v in variants.items() if v["recall_at_20_vs_exact"] >= TARGETS["recall_at_20_min"]]
    best = min(fair or list(variants), key=lambda n: variants[n]["wall_best_of_rounds"]["p99_ms"])
    out["best"] = {"variant": best} | out[best]["wall_best_of_rounds"]
    out["note"] = (
        "ours ÷ PostgreSQL's: below 1, ours is faster. PostgreSQL's times include the client round trip "
        "(asyncpg, same machine); its query checks fewer rules (no shifts or availability, no minimum-age "
        "rules beyond the requirement bits) and scores two factors instead of nine"
    )
    return out


def _flag(value: float | None, limit: float, at_least: bool = False) -> dict[str, Any]:
    if value is None:
        return {"value": None, "target": limit, "pass": None}
    ok = value >= limit if at_least else value <= limit
    return {"value": value, "target": limit, "pass": ok}


def targets(r: dict[str, Any]) -> dict[str, Any]:
    """Pass/fail per target. Latencies are judged on each query's fastest of the rounds (the machine is
    shared); the first round as measured is given beside it."""
    seeker, employer, build = r["seeker_top20"], r["employer_top50"], r["build"]

    def latency(block: dict[str, Any], q: str, limit: float) -> dict[str, Any]:
        out = _flag(block["wall_best_of_rounds"][f"{q}_ms"], limit)
        first = block["wall_first_round"][f"{q}_ms"]
        cpu = block["cpu_first_round"][f"{q}_ms"]
        return out | {
            "first_round": first,
            "first_round_pass": first <= limit,
            "cpu": cpu,
            "cpu_pass": cpu <= limit,
        }

    out: dict[str, Any] = {
        "seeker_top20_p50_ms": latency(seeker, "p50", TARGETS["seeker_top20_p50_ms"]),
        "seeker_top20_p99_ms": latency(seeker, "p99", TARGETS["seeker_top20_p99_ms"]),
        "http_seeker_p95_ms": _flag(r["http_seeker_matches"].get("p95_ms"), TARGETS["http_seeker_p95_ms"]),
        "employer_top50_p99_ms": latency(employer, "p99", TARGETS["employer_top50_p99_ms"]),
        "rss_mb_per_million": _flag(build["index_rss_mb_per_million"], TARGETS["rss_mb_per_million"]),
        "build_seconds_per_million": _flag(
            build["build_seconds_per_million"], TARGETS["build_seconds_per_million"]
        ),
        "feed_lag_p99_s": _flag(r["feed_lag"].get("p99_s"), TARGETS["feed_lag_p99_s"]),
        "recall_at_20_min": _flag(
            r["recall"]["recall_at_20_min"], TARGETS["recall_at_20_min"], at_least=True
        ),
    }
    if r["config"]["postings"] < 1_000_000:
        out["note"] = (
            "fewer postings than the targets' million: the latencies are optimistic, and the memory and "
            "build time per million overstated (fixed costs: the encoder's caches and IDF table, allocator "
            "slack, the IDF fit, coding each distinct title once)"
        )
    return out


def human(r: dict[str, Any]) -> str:
    b = r["build"]
    s, s1 = r["seeker_top20"]["wall_best_of_rounds"], r["seeker_top20"]["wall_first_round"]
    e, e1 = r["employer_top50"]["wall_best_of_rounds"], r["employer_top50"]["wall_first_round"]
    lines = [
        f"matching speed: {b['postings_indexed']:,} postings, {r['seeker_pool']['seekers']:,} seekers; "
        f"encoder: {r['text_encoder']['encoder']}",
        f"  build {b['build_seconds']} s ({b['build_seconds_per_million']} s/M, text encoding "
        f"{b['text_encoding_seconds']} s); index RSS {b['index_rss_mb']} MB "
        f"({b['index_rss_mb_per_million']} MB/M)",
        f"  seeker top 20: p50 {s['p50_ms']} / p99 {s['p99_ms']} ms "
        f"(first round {s1['p50_ms']} / {s1['p99_ms']}); recall@20 {r['recall']['recall_at_20_mean']} "
        f"(min {r['recall']['recall_at_20_min']})",
        f"  employer top 50: p50 {e['p50_ms']} / p99 {e['p99_ms']} ms "
        f"(first round {e1['p50_ms']} / {e1['p99_ms']})",
    ]
    pg = r["postgres"]
    if "variants" in pg:
        best = r["ours_over_postgres"]["best"]
        for name, v in pg["variants"].items():
            t = v["wall_best_of_rounds"]
            lines.append(
                f"  PostgreSQL {name}: p50 {t['p50_ms']} / p99 {t['p99_ms']} ms, "
                f"recall@20 {v['recall_at_20_vs_exact']}"
            )
        lines.append(
            f"  ours ÷ PostgreSQL ({best['variant']}): p50 {best['p50']}, p99 {best['p99']}; "
            f"PostgreSQL load + index {pg['load_seconds_total']} s"
        )
    else:
        lines.append(f"  PostgreSQL: {pg}")
    verdict = {k: v["pass"] for k, v in r["targets"].items() if isinstance(v, dict)}
    lines.append(f"  targets: {verdict}")
    return "\n".join(lines)


def main() -> dict[str, Any]:
    """For `make bench`."""
    report = run(Config.from_env())
    print(human(report), flush=True)
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Config.from_env()
    parser.add_argument("--postings", type=int, default=defaults.postings)
    parser.add_argument("--seekers", type=int, default=defaults.seekers)
    parser.add_argument("--queries", type=int, default=defaults.queries)
    parser.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL comparison")
    parser.add_argument("--pin", action="store_true", help="pin the in-process measurements to one CPU")
    parser.add_argument("--out", type=Path, help="write the JSON report here")
    args = parser.parse_args()
    cfg = replace(
        defaults,
        postings=args.postings,
        seekers=args.seekers,
        queries=args.queries,
        pg=not args.no_pg,
        pin=args.pin,
    )
    result = run(cfg)
    print(human(result))
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)
