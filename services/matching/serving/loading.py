"""Building the engine in the background: the text encoder, the index from the replica, the seekers pool.

Order (docs/serving.md): the lifecycle has already subscribed the engine to the replica's listeners, so
nothing committed from here on is missed; changes heard while loading are replayed by version. The
occupation coder loads in a worker thread while the replica is read; if it is still loading when the
postings are in memory, a lexical-only index serves the non-personalised list until it is done.
"""

import asyncio
import gc
import itertools
import logging
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.tracing import background_span, tracer_of
from services.kit.uow import unit_of_work
from services.matching.ranking.coder import default_encoder
from services.matching.ranking.index import BUILD_CHUNK, PostingIndex
from services.matching.ranking.mapped import snapshot_of, write_generation
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder
from services.matching.seekers import changes
from services.matching.seekers.service import load_queries_for_ranking
from services.matching.serving import reads
from services.matching.serving.config import ServingSettings
from services.matching.serving.engine import IndexVersions, MatchingEngine, Versions, elapsed, set_reliability
from services.matching.serving.pool import LivePool
from services.matching.serving.shared import SharedIndex

log = logging.getLogger("lingong.matching")
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # after a failed load (the database not there yet)


def _no_codes(texts: Sequence[str]) -> list[list[tuple[str, float]]]:
    return [[] for _ in texts]


def lexical_encoder() -> TextEncoder:
    """Text features without the occupation coder: the hashed character n-grams alone."""
    return TextEncoder(_no_codes)


async def coder_encoder() -> tuple[TextEncoder, str]:
    """The shipped occupation coder's encoder, loaded in a worker thread; lexical-only if it fails."""
    try:
        return await asyncio.to_thread(default_encoder), "coder"
    except Exception as exc:  # noqa: BLE001 - matching without the coder beats no matching
        log.error("occupation coder unavailable, ranking on lexical text features", exc_info=exc)
        return lexical_encoder(), "lexical"


async def fill_index(
    sessionmaker: async_sessionmaker[AsyncSession], index: PostingIndex, page_size: int
) -> dict[str, int]:
    """Every open posting of the replica into `index` (encoded in a worker thread, in chunks) and the
    employers' reliability; returns the version each indexed posting has."""
    versions: dict[str, int] = {}
    batch: list[dict[str, Any]] = []
    built = False

    async def flush() -> None:
        nonlocal built, batch
        chunk, batch = batch, []
        await asyncio.to_thread(index.upsert_many if built else index.build, chunk)
        built = True
        for snapshot in chunk:
            key = str(snapshot["id"])
            if key in index:
                versions[key] = int(snapshot.get("version") or 0)

    async for page in reads.open_snapshots(sessionmaker, page_size):
        batch.extend(page)
        if len(batch) >= BUILD_CHUNK:
            await flush()
    if batch or not built:
        await flush()
    await asyncio.to_thread(index.compact)
    async with sessionmaker() as session:
        set_reliability(index, await reads.employers(session))
    return versions


async def load(app: FastAPI, engine: MatchingEngine, settings: ServingSettings) -> None:
    """Load until it succeeds (a failure is logged and retried after a pause)."""
    for attempt in itertools.count():
        try:
            await _load_once(app, engine, settings)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - retried; the routes answer 503 meanwhile
            engine.last_error = type(exc).__name__
            delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
            log.exception("matching engine failed to load; retrying", extra={"delay_s": delay})
            await asyncio.sleep(delay)


async def _load_once(app: FastAPI, engine: MatchingEngine, settings: ServingSettings) -> None:
    started = time.perf_counter()
    sessionmaker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    shared: SharedIndex | None = getattr(app.state, "shared_index", None)
    injected = getattr(app.state, "text_encoder", None)
    coder: asyncio.Task[tuple[TextEncoder, str]] | None = None
    if isinstance(injected, TextEncoder):
        encoder, features = injected, "injected"
    else:
        coder = asyncio.create_task(coder_encoder())
        await asyncio.wait({coder}, timeout=settings.warming_after_seconds)
        if not coder.done() and engine.popular_index is None:
            engine.start_warming(await _warming_index(sessionmaker, settings, shared))
            log.info("matching warming: non-personalised lists until the occupation coder is loaded")
        encoder, features = await coder
    replay_after = -1
    if shared is None:
        async with sessionmaker() as session:
            replica_seq = await reads.applied_head(session)
        index: PostingIndex = PostingIndex(encoder)
        versions: Versions = await fill_index(sessionmaker, index, settings.load_page_size)
    else:
        name = None
        if shared.publisher and settings.build_first_generation:  # build it, then serve the mapped copy
            async with sessionmaker() as session:
                built_seq = await reads.applied_head(session)
            built = PostingIndex(encoder)
            await fill_index(sessionmaker, built, settings.load_page_size)
            name = await shared.publish(built, built_seq)
            del built
        mapped, replica_seq = await shared.open_caught_up(sessionmaker, encoder, name)
        shared.use(mapped)
        index, versions, replay_after = mapped, IndexVersions(mapped), replica_seq
    async with sessionmaker() as session:
        journal = await changes.head(session)
        queries = await load_queries_for_ranking(session, app.state.clock.now())
    pool = await asyncio.to_thread(LivePool, encoder, queries, settings.pool_delta_max)
    engine.replica_seq = max(engine.replica_seq, replica_seq) if shared is not None else replica_seq
    ranker = Ranker(index)
    # On the loop, not in a thread: numba's compiler sets warning filters (warnings.catch_warnings, which
    # is not thread-safe), and from a thread that raced the requests being served. From its cache this
    # takes well under a second; compiling, once per machine, about 4 s.
    ranker.warm()
    engine.go_live(
        ranker,
        pool,
        versions,
        journal,
        features,
        elapsed(started),
        app.state.clock.now(),
        replay_after=replay_after,
    )
    # The engine holds millions of long-lived objects (posting ids and versions, seeker queries): collect
    # once, then keep them out of the cyclic collector's full passes, which otherwise stall a request
    # for most of a second at 1M postings (measured in benchmarks/matching_http.py).
    gc.collect()
    gc.freeze()
    log.info(
        "matching engine ready",
        extra={"postings": len(index), "seekers": len(pool), "seconds": engine.load_seconds},
    )


async def _warming_index(
    sessionmaker: async_sessionmaker[AsyncSession], settings: ServingSettings, shared: SharedIndex | None
) -> PostingIndex:
    """A lexical-only index for the non-personalised list: the published generation mapped (another
    process builds it), else built from the replica."""
    if shared is not None and not shared.publisher:
        index, _ = await shared.open_caught_up(sessionmaker, lexical_encoder(), None)
        index.generation.release()  # only for a while: the publisher may delete it (the maps stay valid)
        return index
    quick = PostingIndex(lexical_encoder())
    await fill_index(sessionmaker, quick, settings.load_page_size)
    return quick


async def build_first_generation(
    sessionmaker: async_sessionmaker[AsyncSession], encoder: TextEncoder, settings: ServingSettings
) -> str:
    """Build the index from the replica and publish it as a generation, retrying after a failure (the
    matching pool's builder process; see `ServingSettings.build_first_generation`)."""
    directory = Path(settings.shared_index_dir)
    for attempt in itertools.count():
        try:
            async with sessionmaker() as session:
                seq = await reads.applied_head(session)
            index = PostingIndex(encoder)
            await fill_index(sessionmaker, index, settings.load_page_size)
            snapshot = snapshot_of(index, seq)
            return await asyncio.to_thread(write_generation, snapshot, directory, encoder)
        except Exception:  # noqa: BLE001 - the database may not be there yet
            delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
            log.exception("building the first index generation failed; retrying", extra={"delay_s": delay})
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


async def maintain(app: FastAPI, settings: ServingSettings) -> None:
    """Now and then, drop seeker journal entries older than the retention (every reader is past them)."""
    while True:
        await asyncio.sleep(settings.maintenance_seconds)
        try:
            with background_span(tracer_of(app), "seeker journal prune") as span:
                async with unit_of_work(app.state.sessionmaker) as session:
                    before = app.state.clock.now() - timedelta(hours=settings.journal_retention_hours)
                    dropped = await changes.prune(session, before)
                if dropped:
                    span.did(**{"journal.pruned": dropped})
                log.info("seeker journal pruned", extra={"rows": dropped})
        except Exception:  # noqa: BLE001 - try again next time
            log.exception("seeker journal pruning failed")


async def follow_replica(app: FastAPI, engine: MatchingEngine, settings: ServingSettings) -> None:
    """When another process runs the feed consumer, pick up what it applied to the replica tables."""
    while True:
        await asyncio.sleep(settings.replica_poll_seconds)
        if engine.ranker is None:
            continue
        with background_span(tracer_of(app), "index follow") as span:
            try:
                async with app.state.sessionmaker() as session:
                    change = await reads.applied_after(session, engine.replica_seq, settings.load_page_size)
            except Exception:  # noqa: BLE001 - try again at the next tick
                log.exception("reading the replica for changes failed")
                continue
            if change is not None:
                span.did()
                engine.on_replica_change(change)
                engine.replica_seq = max(engine.replica_seq, change.cursor)
