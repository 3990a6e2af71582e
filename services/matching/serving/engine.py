"""The matching engine: the posting index and its ranker, the employers' candidate pool, in memory.

It is built in the background at start (loading.py) and kept current by the replica's listeners
(postings, employer reliability) and by the seekers' change journal (the pool, read before each employer
ranking). Everything here runs on the event loop: the index is not thread-safe.

States: `loading` (nothing to serve: 503 `matching_not_ready`), `warming` (the occupation coder is still
loading; seekers get the non-personalised list around their home), `ready`.
"""

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.contracts import Match, SeekerQuery
from services.matching.ranking.candidates import Candidate, rank_candidates_in
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ltr.features import HAND_RANKER
from services.matching.ranking.ltr.model import LearnedRanker
from services.matching.ranking.overrides import Override, apply_overrides
from services.matching.ranking.popular import popular_nearby
from services.matching.ranking.ranker import Explanation, Ranker
from services.matching.ranking.related import picked_wish
from services.matching.ranking.rules import ADULT_AGE
from services.matching.ranking.snapshots import reliability_from_record
from services.matching.replica.listeners import ReplicaChange
from services.matching.seekers import changes
from services.matching.seekers.query import CHINA
from services.matching.seekers.service import load_queries_for_ranking
from services.matching.serving.config import FairnessSettings
from services.matching.serving.exceptions import MatchingNotReady
from services.matching.serving.pool import LivePool

log = logging.getLogger("lingong.matching")
POPULAR_OVERFETCH = 3  # the non-personalised list is filtered by kind after it is drawn


class IndexVersions:
    """`MatchingEngine.versions` read from the index's version column (the shared layout: no dict of
    every posting in each process). The upsert has written the version already; nothing to keep."""

    def __init__(self, index: PostingIndex) -> None:
        self.index = index

    def get(self, posting_id: str, default: int = 0) -> int:
        return self.index.version(posting_id) if posting_id in self.index else default

    def __setitem__(self, posting_id: str, version: int) -> None:
        pass

    def pop(self, posting_id: str, default: int | None = None) -> int | None:
        return default

    def __len__(self) -> int:
        return len(self.index)


Versions = dict[str, int] | IndexVersions


class EngineState(StrEnum):
    LOADING = "loading"
    WARMING = "warming"
    READY = "ready"


class MatchingEngine:
    def __init__(self, retry_after: int = 5) -> None:
        self.state = EngineState.LOADING
        self.retry_after = retry_after
        self.ranker: Ranker | None = None
        self.learned: LearnedRanker | None = None  # the learned re-ranker, when switched on
        self.popular_index: PostingIndex | None = None  # while warming: a lexical-only index
        self.pool: LivePool | None = None
        self.versions: Versions = {}  # indexed posting → the snapshot version it holds
        self.journal_seq = 0  # the seeker change journal has been applied up to here
        self.ages_month: tuple[int, int] | None = None  # the month (China) the pool's ages are as of
        self.replica_seq = 0  # every replica change up to this feed seq is in the index
        self.postings_applied = 0  # posting snapshots applied since start (the shared layout counts them)
        self._heard: list[ReplicaChange] | None = None  # kept while a new generation is caught up
        self.text_features: str | None = None  # coder, lexical (the coder failed) or injected
        self.loaded_at: datetime | None = None
        self.load_seconds: float | None = None
        self.last_error: str | None = None
        self._pending: list[ReplicaChange] = []  # heard while loading, replayed by version
        self._ready = asyncio.Event()
        self._seekers_lock = asyncio.Lock()

    @classmethod
    def prebuilt(
        cls, ranker: Ranker | PostingIndex, seekers: Sequence[SeekerQuery] = (), *, journal_seq: int = 0
    ) -> "MatchingEngine":
        """An engine over an index built elsewhere (tests, benchmarks): ready at once."""
        ranker = ranker if isinstance(ranker, Ranker) else Ranker(ranker)
        engine = cls()
        engine.go_live(ranker, LivePool(ranker.index.encoder, seekers), {}, journal_seq, "prebuilt", 0.0)
        return engine

    # -- loading ----------------------------------------------------------------------------
    def start_warming(self, index: PostingIndex) -> None:
        """Serve the non-personalised list from `index` until the engine goes live."""
        for change in self._pending:
            self._apply(index, change, None)
        self.popular_index = index
        self.state = EngineState.WARMING

    def go_live(
        self,
        ranker: Ranker,
        pool: LivePool,
        versions: Versions,
        journal_seq: int,
        text_features: str,
        load_seconds: float,
        loaded_at: datetime | None = None,
        replay_after: int = -1,
    ) -> None:
        """Serve `ranker`; the changes heard while loading are applied first (those after
        `replay_after`, the feed seq the load caught up to, when it knows one)."""
        self.versions = versions
        pending, self._pending = self._pending, []
        for change in pending:
            if change.cursor > replay_after:
                self._apply(ranker.index, change, self.versions)
        ranker.learned = self.learned
        self.ranker, self.pool, self.journal_seq = ranker, pool, journal_seq
        self.ages_month = age_month(loaded_at) if loaded_at is not None else None
        self.text_features, self.load_seconds, self.loaded_at = text_features, load_seconds, loaded_at
        self.popular_index = None
        self.last_error = None
        self.state = EngineState.READY
        self._ready.set()

    def use_learned(self, learned: LearnedRanker | None) -> None:
        """Switch the learned re-ranker on (a model) or off (None), for matches and candidates."""
        self.learned = learned
        if self.ranker is not None:
            self.ranker.learned = learned

    @property
    def ranker_name(self) -> str:
        return self.learned.name if self.learned is not None else HAND_RANKER

    async def wait_ready(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    # -- the replica's listener -------------------------------------------------------------
    def on_replica_change(self, change: ReplicaChange) -> None:
        self.replica_seq = max(self.replica_seq, change.cursor)
        if self._heard is not None:
            self._heard.append(change)
        if self.ranker is not None:
            self._apply(self.ranker.index, change, self.versions)
            return
        self._pending.append(change)
        if self.popular_index is not None:
            self._apply(self.popular_index, change, None)

    def hear(self) -> list[ReplicaChange]:
        """Keep every change heard from now on (until `adopt`), to apply them to an index being caught up."""
        self._heard = []
        return self._heard

    def stop_hearing(self) -> None:
        self._heard = None

    def adopt(self, index: PostingIndex, versions: Versions, replica_seq: int) -> None:
        """Serve `index` (a new generation, caught up to `replica_seq`) from now on, with the changes
        heard since `hear()` that are newer than that applied. Synchronous: no request sees half of it."""
        heard, self._heard = self._heard or [], None
        for change in heard:
            if change.cursor > replica_seq:
                self._apply(index, change, versions)
                replica_seq = max(replica_seq, change.cursor)
        ranker = Ranker(index)
        ranker.learned = self.learned
        self.ranker, self.versions, self.replica_seq = ranker, versions, replica_seq

    def _apply(self, index: PostingIndex, change: ReplicaChange, versions: Versions | None) -> None:
        self.postings_applied += apply_change(index, change, versions)

    def check(self, *, personal: bool = True) -> None:
        """Raise 503 `matching_not_ready` unless the engine can serve now (`personal=False`: the
        non-personalised list is enough)."""
        if self.ranker is None and (personal or self.popular_index is None):
            raise MatchingNotReady(self.retry_after)

    # -- seekers ----------------------------------------------------------------------------
    def _live(self) -> tuple[Ranker, LivePool]:
        if self.ranker is None or self.pool is None:
            raise MatchingNotReady(self.retry_after)
        return self.ranker, self.pool

    async def sync_seekers(self, session: AsyncSession, now: datetime) -> int:
        """Re-read the seekers the journal names since the last sync, and, once a month, those whose
        age could have reached 18 (ages are reckoned by birth month); returns how many were re-read."""
        _, pool = self._live()
        month = age_month(now)
        if month == self.ages_month and await changes.head(session) <= self.journal_seq:
            return 0  # nothing journalled since the last sync (one index-only read, no lock)
        async with self._seekers_lock:
            head, ids = await changes.changed_since(session, self.journal_seq)
            if ids is None:
                log.warning("seeker journal pruned past this process's position; reloading the pool")
                queries = await load_queries_for_ranking(session, now)
                self.pool = LivePool(pool.encoder, queries, pool.delta_max)
                self.journal_seq, self.ages_month = head, month
                return len(self.pool)
            if month != self.ages_month:
                ids = ids | {s for s, q in pool.queries.items() if q.age is not None and q.age < ADULT_AGE}
                self.ages_month = month
            if ids:
                ordered = sorted(ids)
                fresh = {q.seeker_id: q for q in await load_queries_for_ranking(session, now, ordered)}
                pool.update({seeker_id: fresh.get(seeker_id) for seeker_id in ordered})
            self.journal_seq = head
            return len(ids)

    async def seeker_query(self, session: AsyncSession, seeker_id: str, now: datetime) -> SeekerQuery | None:
        """The seeker's ranking query from the candidate pool, synced with the change journal first (so a
        change committed before this request is in it); None when the pool does not hold the seeker (no
        matching consent, not loaded yet): the caller reads the profile instead."""
        if self.ranker is None or self.pool is None:
            return None
        await self.sync_seekers(session, now)
        query = self.pool.get(seeker_id)
        return replace(query, now=now) if query is not None else None

    # -- queries ----------------------------------------------------------------------------
    def matches(
        self, query: SeekerQuery, k: int, kind: str | None, overrides: Sequence[Override], now: datetime
    ) -> tuple[list[Match], bool]:
        """(the seeker's top k with overrides applied, personalised?)."""
        if self.ranker is not None:
            if kind is not None:
                query = replace(query, kinds=query.kinds & {kind})
            return self.ranker.rank_with_overrides(query, k, overrides, now=now.timestamp()), True
        index = self.popular_index
        # The non-personalised list knows nothing of a person, so nothing of the rules for minors either.
        if index is None or query.age is None or query.age < ADULT_AGE:
            raise MatchingNotReady(self.retry_after)
        wish = picked_wish(index.encoder.table.index, query.occupation_codes)
        drawn = popular_nearby(
            index, query.lat, query.lng, k * POPULAR_OVERFETCH, now=now.timestamp(), wish=wish
        )
        kinds = query.kinds if kind is None else query.kinds & {kind}
        return apply_overrides([m for m in drawn if m.extra.get("kind") in kinds], overrides)[:k], False

    def explain(self, query: SeekerQuery, posting_id: str, now: datetime) -> Explanation:
        ranker, _ = self._live()
        return ranker.explain(query, posting_id, now=now.timestamp())

    def candidates(
        self, snapshot: Mapping[str, Any], k: int, fairness: FairnessSettings, now: datetime
    ) -> list[Candidate]:
        """The posting's top k seekers, FA*IR-reranked, with display details (no scores leave here
        towards an employer: see present.py)."""
        _, pool = self._live()
        return rank_candidates_in(
            snapshot,
            pool.parts(),
            k,
            fairness.p,
            fairness.alpha,
            now=now.timestamp(),
            adjust=fairness.adjust,
            details=True,
            learned=self.learned,
        )

    def status(self) -> dict[str, Any]:
        index = self.ranker.index if self.ranker is not None else self.popular_index
        return {
            "state": self.state.value,
            "text_features": self.text_features,
            "postings": len(index) if index is not None else 0,
            "seekers": len(self.pool) if self.pool is not None else 0,
            "seeker_journal_seq": self.journal_seq,
            "loaded_at": self.loaded_at,
            "load_seconds": self.load_seconds,
            "last_error": self.last_error,
            "ranker": self.ranker_name,
        }


def apply_change(index: PostingIndex, change: ReplicaChange, versions: Versions | None) -> int:
    """Upsert the batch's postings (closed ones leave) unless older than what is held (`versions`; None:
    no check); a snapshot of the same version may carry newer shifts, so it is applied. Returns how many
    snapshots were applied."""
    fresh = [
        s
        for s in change.postings
        if versions is None or int(s.get("version") or 0) >= versions.get(str(s["id"]), 0)
    ]
    _upsert(index, fresh)
    if versions is not None:
        for s in fresh:
            key = str(s["id"])
            if key in index:
                versions[key] = int(s.get("version") or 0)
            else:
                versions.pop(key, None)
    set_reliability(index, change.employers)
    return len(fresh)


def _upsert(index: PostingIndex, snapshots: Sequence[Mapping[str, Any]]) -> None:
    """One batch; if the batch fails, one at a time, so one unreadable snapshot loses only itself."""
    if not snapshots:
        return
    try:
        index.upsert_many(snapshots)
        return
    except Exception:  # noqa: BLE001 - isolate the snapshot that breaks the batch
        log.warning("posting batch failed to index; retrying one at a time")
    for snapshot in snapshots:
        try:
            index.upsert(snapshot)
        except Exception:  # noqa: BLE001
            log.exception("posting snapshot could not be indexed", extra={"posting_id": str(snapshot["id"])})


def set_reliability(index: PostingIndex, employers: Iterable[Mapping[str, Any]]) -> None:
    """Employers' reliability records (from the feed) → the index's per-employer reliability."""
    for employer in employers:
        record = employer.get("reliability")
        if isinstance(record, Mapping):
            index.set_employer_reliability(str(employer["id"]), reliability_from_record(record))


def age_month(now: datetime) -> tuple[int, int]:
    """(year, month) in China: ages are reckoned by birth month, so they can change only when it does."""
    local = now.astimezone(CHINA)
    return local.year, local.month


def elapsed(started: float) -> float:
    return round(time.perf_counter() - started, 3)
