"""Data for `benchmarks.matching_speed`: text pools, a classification-based occupation predictor, and a
seeded, chunked stream of synthetic posting snapshots that also records what the PostgreSQL baseline
loads (so the postings are generated once).

Titles and descriptions are resampled from `postings/real_postings.csv.gz` under the shared data
(`$LINGONG_SHARED_DATA`, else `<repo>/../shared/data`) when it is there, read in place (it must never be
copied into the repository), else from the classification's names and aliases.
"""

import csv
import gzip
import os
import random
import re
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from services.matching.ranking import synthetic, vocab
from services.matching.ranking.index import BUILD_CHUNK
from services.matching.ranking.snapshots import parse
from services.reference.occupations import occupations

SHARED = Path(os.environ.get("LINGONG_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
REAL_POSTINGS = SHARED / "postings" / "real_postings.csv.gz"
DESCRIPTION_CHARS = 1000  # real descriptions are kept up to this long (the index reads the first 80)
TOP_CODES = 20

_MARKS = re.compile(r"[(（][^)）]*[)）]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z]+")


def fold(text: str) -> str:
    """Width- and case-folded (NFKC, lower case)."""
    return unicodedata.normalize("NFKC", text).lower()


class ClassificationPredictor:
    """A stand-in occupation coder built only from the shipped classification: every detailed
    occupation's name and aliases found inside a text vote for its code (weight: the term's length
    squared, shared among the codes that carry it); a text with no whole term inside falls back to the
    character pairs it shares with the names. Deterministic, ~20-50 µs per distinct text."""

    def __init__(self) -> None:
        terms: dict[str, dict[str, float]] = {}
        pairs: dict[str, dict[str, float]] = {}
        for code, occ in occupations().items():
            if occ.level != 4:
                continue
            for raw in (occ.name, *occ.aliases):
                term = _MARKS.sub("", fold(raw)).strip()
                if len(term) < 2:
                    continue
                terms.setdefault(term, {})[code] = 1.0
                for pair in _pairs(term):
                    pairs.setdefault(pair, {})[code] = 1.0
        self.terms = {t: {c: len(t) ** 2 / len(codes) for c in codes} for t, codes in terms.items()}
        self.pairs = {p: {c: 1.0 / len(codes) for c in codes} for p, codes in pairs.items()}
        self.longest = max(len(t) for t in self.terms)

    def one(self, text: str) -> list[tuple[str, float]]:
        t = fold(text)
        votes: dict[str, float] = {}
        terms = self.terms
        for i in range(len(t) - 1):
            for j in range(i + 2, min(len(t), i + self.longest) + 1):
                found = terms.get(t[i:j])
                if found is not None:
                    for code, w in found.items():
                        votes[code] = votes.get(code, 0.0) + w
        if not votes:
            for pair in _pairs(t):
                for code, w in self.pairs.get(pair, {}).items():
                    votes[code] = votes.get(code, 0.0) + w
        if not votes:
            return []
        top = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CODES]
        total = sum(w for _, w in top)
        return [(code, w / total) for code, w in top]

    def __call__(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        return [self.one(t) for t in texts]


def _pairs(text: str) -> list[str]:
    return [run[i : i + 2] for run in _CJK.findall(text) for i in range(len(run) - 1)]


def lexemes(text: str) -> list[str]:
    """The PostgreSQL baseline's terms: each adjacent pair of Chinese characters and each run of ASCII
    letters (as the ranking's own lexical feature pairs them), distinct, in order."""
    t = fold(text)
    return list(dict.fromkeys([*_pairs(t), *_LATIN.findall(t)]))


@dataclass
class Pools:
    texts: list[tuple[str, str | None]]  # (title, occupation code or None)
    descriptions: list[str]
    source: str


def text_pools(predictor: ClassificationPredictor) -> Pools:
    """Titles (each with the predictor's best code, which employers and seekers pick 30 % of the time)
    and descriptions: the real postings' when the file is there, else the classification's names."""
    if REAL_POSTINGS.exists():
        titles: list[str] = []
        descriptions: list[str] = []
        with gzip.open(REAL_POSTINGS, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                title = " ".join((row.get("title") or "").split())[:60]
                if title:
                    titles.append(title)
                description = (row.get("description") or "").strip()
                if description:
                    descriptions.append(description[:DESCRIPTION_CHARS])
        distinct = list(dict.fromkeys(titles))
        best = {t: (p[0][0] if p else None) for t, p in zip(distinct, predictor(distinct), strict=True)}
        return Pools(
            [(t, best[t]) for t in titles],
            descriptions or [""],
            f"{REAL_POSTINGS} ({len(titles)} titles, {len(distinct)} distinct; "
            f"{len(descriptions)} descriptions)",
        )
    texts = list(synthetic.classification_texts())
    return Pools(
        list(texts), [""], f"classification names and aliases ({len(texts)}; {REAL_POSTINGS} not found)"
    )


F64 = npt.NDArray[np.float64]


@dataclass
class PgColumns:
    """What the PostgreSQL baseline loads, one entry per generated posting (filled while generating)."""

    n: int
    lat: F64 = field(init=False)
    lng: F64 = field(init=False)
    is_gig: npt.NDArray[np.bool_] = field(init=False)
    free: npt.NDArray[np.int32] = field(init=False)
    req: npt.NDArray[np.int64] = field(init=False)  # certificates, reserved post, adults only
    pay_hour: F64 = field(init=False)  # NaN: a piece rate
    valid_until: F64 = field(init=False)  # epoch seconds
    title: npt.NDArray[np.int32] = field(init=False)  # into `titles`
    opening: npt.NDArray[np.int32] = field(init=False)  # into `openings`
    titles: dict[str, int] = field(default_factory=dict)
    openings: dict[str, int] = field(default_factory=dict)  # what the index reads of a description

    def __post_init__(self) -> None:
        # np.full, not np.zeros: the pages are touched now, so they are not counted as the index's memory
        n = self.n
        self.lat, self.lng = np.full(n, 0.0), np.full(n, 0.0)
        self.is_gig = np.full(n, False)
        self.free = np.full(n, 0, dtype=np.int32)
        self.req = np.full(n, 0, dtype=np.int64)
        self.pay_hour, self.valid_until = np.full(n, 0.0), np.full(n, 0.0)
        self.title = np.full(n, 0, dtype=np.int32)
        self.opening = np.full(n, 0, dtype=np.int32)

    def record(self, chunk: Sequence[dict[str, Any]], first: int, now: float) -> None:
        batch = parse(chunk)
        end = first + len(batch)
        self.lat[first:end], self.lng[first:end] = batch.lat, batch.lng
        req = np.asarray(batch.requirement, dtype=np.int64)
        self.is_gig[first:end] = (req & (1 << vocab.GIG_BIT)) != 0
        self.req[first:end] = req & ~((1 << vocab.JOB_BIT) | (1 << vocab.GIG_BIT))
        self.pay_hour[first:end] = batch.pay_hour()
        self.valid_until[first:end] = batch.valid_until
        free = np.asarray(batch.job_free, dtype=np.int64)
        shifts = iter(batch.shifts)
        for i, count in enumerate(batch.shift_count):
            if count:
                free[i] = sum(sh[3] for sh in (next(shifts) for _ in range(count)) if sh[4] and sh[1] > now)
        self.free[first:end] = np.minimum(free, 2**31 - 1)
        titles, openings = self.titles, self.openings
        self.title[first:end] = [titles.setdefault(t, len(titles)) for t in batch.titles]
        self.opening[first:end] = [openings.setdefault(t, len(openings)) for t in batch.texts]


@dataclass
class Stream:
    """Generated postings, chunk by chunk, with the time spent generating (kept out of the build time)."""

    n: int
    seed: int
    now: datetime
    pools: Pools
    pg: PgColumns | None
    keep: set[int]  # positions of postings kept aside (employer queries, upserts)
    kept: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        made = synthetic.postings(self.n, self.seed, self.now, self.pools.texts, self.pools.descriptions)
        now = self.now.timestamp()
        first = 0
        while first < self.n:
            started = time.perf_counter()
            chunk = [next(made) for _ in range(min(BUILD_CHUNK, self.n - first))]
            if self.pg is not None:
                self.pg.record(chunk, first, now)
            self.kept.extend(s for i, s in enumerate(chunk, start=first) if i in self.keep)
            self.seconds += time.perf_counter() - started
            yield from chunk
            first += len(chunk)


def sample_positions(n: int, k: int, seed: int) -> set[int]:
    return set(random.Random(seed).sample(range(n), min(n, k)))
