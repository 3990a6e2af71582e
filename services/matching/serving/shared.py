"""One copy of the posting index for every matching process on a host (docs/load.md, part 2).

With `MATCHING_SERVING__SHARED_INDEX_DIR` set, the process that runs the feed consumer (the publisher)
builds the index from the replica once, writes it as a generation (ranking/generations.py) and from then
on serves, like every other process, a `MappedPostingIndex` over the newest generation: the generation's
pages are shared, the changes since it are each process's own (copy-on-write). Every process applies the
replica's changes as they come (the publisher from its listeners, the others by reading the replica
tables every `REPLICA_POLL_SECONDS`), so the feed lag does not wait for a generation. The publisher
writes a new generation every `GENERATION_SECONDS` when postings changed, or sooner after
`GENERATION_CHANGES` changes; every process switches to it between requests: it maps it, catches up from
the generation's feed seq by reading the replica tables, and swaps it in in one synchronous step.

So that the others poll cheaply, the publisher writes the feed seq of each change it applied to a small
file, `replica-head`, beside the generations; a reader queries the replica tables only when that moved,
and at least every `READ_AT_LEAST_SECONDS` whatever it says (a publisher that stopped announcing).
"""

import asyncio
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.tracing import background_span, tracer_of
from services.matching.ranking import generations
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.mapped import MappedPostingIndex, snapshot_of, write_generation
from services.matching.ranking.text import TextEncoder
from services.matching.replica.listeners import ReplicaChange
from services.matching.serving import reads
from services.matching.serving.config import ServingSettings
from services.matching.serving.engine import IndexVersions, MatchingEngine, apply_change

log = logging.getLogger("lingong.matching")
WAIT_SECONDS = 0.2  # how often a process without a generation yet looks for one
HEAD = "replica-head"  # the publisher's newest announced feed seq (text), replaced atomically
READ_AT_LEAST_SECONDS = 2.0  # a reader queries the replica this often even when the head did not move


def write_head(directory: Path, seq: int) -> None:
    """Announce that the replica changed up to feed seq `seq` (written aside, then renamed over)."""
    aside = directory / f".{HEAD}.{os.getpid()}"
    aside.write_text(str(seq), encoding="ascii")
    os.replace(aside, directory / HEAD)


def read_head(directory: Path) -> int | None:
    """The announced feed seq, or None (no publisher has announced one, or the file is unreadable)."""
    try:
        return int((directory / HEAD).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


@dataclass
class SharedIndex:
    """This process's part in the shared layout."""

    directory: Path
    publisher: bool
    settings: ServingSettings
    generation: generations.Generation | None = None
    published_at: float = field(default_factory=time.monotonic)
    applied_at_publish: int = 0
    generations_published: int = 0
    switches: int = 0
    heard_head: int | None = None  # a reader: the announced seq its last read of the replica covered
    read_at: float = 0.0  # a reader: when it last read the replica tables (monotonic)
    replica_reads: int = 0

    # -- opening ------------------------------------------------------------------------------
    async def wait_for_generation(self) -> str:
        """The current generation's name, once the publisher has written one."""
        while (name := generations.current(self.directory)) is None:
            await asyncio.sleep(WAIT_SECONDS)
        return name

    async def open_caught_up(
        self, sessionmaker: async_sessionmaker[AsyncSession], encoder: TextEncoder, name: str | None
    ) -> tuple[MappedPostingIndex, int]:
        """Map generation `name` (or, when it is gone already, the current one) and apply what the
        replica changed after its feed seq; returns the index and the seq it is current to."""
        while True:
            try:
                generation = await asyncio.to_thread(generations.open_generation, self.directory, name)
                break
            except generations.GenerationMissing:
                name = await self.wait_for_generation()
        index = MappedPostingIndex(encoder, generation)
        seq = generation.seq
        versions = IndexVersions(index)
        while True:
            async with sessionmaker() as session:
                change = await reads.applied_after(session, seq, self.settings.load_page_size)
            if change is None:
                return index, seq
            apply_change(index, change, versions)
            seq = max(seq, change.cursor)

    def adopt(self, engine: MatchingEngine, index: MappedPostingIndex, seq: int) -> None:
        """Serve `index` from now on and let the generation this process used before go."""
        engine.adopt(index, IndexVersions(index), seq)
        self.use(index)

    def use(self, index: MappedPostingIndex) -> None:
        old, self.generation = self.generation, index.generation
        if old is not None and old is not index.generation:
            old.release()
        self.switches += 1

    # -- publishing ---------------------------------------------------------------------------
    async def publish(self, index: PostingIndex, seq: int) -> str:
        """Write `index` (current to feed seq `seq`) as the next generation; returns its name."""
        started = time.perf_counter()
        snapshot = snapshot_of(index, seq)  # on the event loop: nothing changes while it is copied
        copied = time.perf_counter() - started
        name = await asyncio.to_thread(write_generation, snapshot, self.directory, index.encoder)
        self.published_at = time.monotonic()
        self.generations_published += 1
        log.info(
            "index generation published",
            extra={
                "generation": name,
                "postings": len(index),
                "seq": seq,
                "copy_s": round(copied, 3),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
        return name

    def due(self, engine: MatchingEngine) -> bool:
        changed = engine.postings_applied - self.applied_at_publish
        if changed <= 0:
            return False
        return (
            changed >= self.settings.generation_changes
            or time.monotonic() - self.published_at >= self.settings.generation_seconds
        )

    async def republish(self, app: FastAPI, engine: MatchingEngine) -> None:
        """The publisher: write what it serves as a new generation, switch to it, delete the unused."""
        assert engine.ranker is not None
        index = engine.ranker.index
        applied = engine.postings_applied
        name = await self.publish(index, engine.replica_seq)
        self.applied_at_publish = applied
        await self.switch(app, engine, name)
        removed = await asyncio.to_thread(generations.prune, self.directory, name)
        if removed:
            log.info("index generations removed", extra={"generations": removed})

    def announce(self, change: ReplicaChange) -> None:
        """The publisher's replica listener: tell the readers the replica moved (after COMMIT)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_head(self.directory, change.cursor)
        except OSError:  # the readers still read at least every READ_AT_LEAST_SECONDS
            log.warning("shared index: replica head not written", exc_info=True)

    # -- switching ----------------------------------------------------------------------------
    async def switch(self, app: FastAPI, engine: MatchingEngine, name: str) -> None:
        """Map generation `name`, catch it up, and swap it in (changes heard meanwhile included)."""
        assert engine.ranker is not None
        engine.hear()
        try:
            index, seq = await self.open_caught_up(app.state.sessionmaker, engine.ranker.index.encoder, name)
        except BaseException:
            engine.stop_hearing()
            raise
        self.adopt(engine, index, seq)

    async def tick(self, app: FastAPI, engine: MatchingEngine) -> bool:
        """One round: the publisher publishes when due; the others switch to a newer generation and then
        apply what the replica changed since their position. Whether it did any of that."""
        if engine.ranker is None:
            return False
        if self.publisher:
            if self.due(engine):
                await self.republish(app, engine)
                return True
            return False
        name = generations.current(self.directory)
        switched = name is not None and (self.generation is None or name != self.generation.name)
        if name is not None and switched:
            await self.switch(app, engine, name)
        head = read_head(self.directory)
        quiet = time.monotonic() - self.read_at < READ_AT_LEAST_SECONDS
        if quiet and not switched and head is not None and head == self.heard_head:
            return switched
        self.read_at, self.replica_reads = time.monotonic(), self.replica_reads + 1
        async with app.state.sessionmaker() as session:
            change = await reads.applied_after(session, engine.replica_seq, self.settings.load_page_size)
        if change is not None:
            engine.on_replica_change(change)
        if change is None or len(change.postings) < self.settings.load_page_size:
            self.heard_head = head  # read after `head` was announced: the read covered it
        return switched or change is not None

    def status(self) -> dict[str, object]:
        return {
            "role": "publisher" if self.publisher else "reader",
            "generation": self.generation.name if self.generation is not None else None,
            "generation_seq": self.generation.seq if self.generation is not None else None,
        }


async def run(app: FastAPI, engine: MatchingEngine, shared: SharedIndex) -> None:
    """The shared layout's background task (instead of `loading.follow_replica`)."""
    while True:
        await asyncio.sleep(shared.settings.replica_poll_seconds)
        try:
            with background_span(tracer_of(app), "shared index") as span:
                if await shared.tick(app, engine):
                    span.did()
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - try again at the next tick
            log.exception("shared index: publishing or following failed")
