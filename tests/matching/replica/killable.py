"""A consumer process for the kill -9 test: follows a scripted feed into a database, printing each commit.

Run as `python -m tests.matching.replica.killable DATABASE_URL`; prints `batch <cursor>` after every
committed batch and `done <cursor>` when the feed is exhausted. The feed is the same every run (seeded),
so the test knows what the replica must end up holding.
"""

import asyncio
import random
import sys
import uuid
from typing import Any

from services.kit.clock import SystemClock
from services.kit.db import build_engine, build_sessionmaker
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.replica.client import PostingsClient, token_source
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.listeners import ReplicaListeners
from tests.matching.replica.feeds import ScriptedFeed, employer_data, event, posting_data

POSTINGS = 30


def scripted_events(seed: int = 5) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The feed, and the version each posting must end at."""
    rng = random.Random(seed)
    employer = uuid.UUID(int=rng.getrandbits(128))
    changes: list[tuple[uuid.UUID, int]] = []
    final: dict[str, int] = {}
    for _ in range(POSTINGS):
        posting = uuid.UUID(int=rng.getrandbits(128))
        versions = rng.randint(1, 6)
        final[str(posting)] = versions
        changes += [(posting, v) for v in range(1, versions + 1)]
    rng.shuffle(changes)
    changes.sort(key=lambda c: c[1])  # each posting's versions in order, postings interleaved
    events = [event(1, "employer.created", employer_data(employer))]
    for seq, (posting, version) in enumerate(changes, start=2):
        kind = "posting.created" if version == 1 else "posting.updated"
        events.append(event(seq, kind, posting_data(posting, employer, version=version)))
    return events, final


async def run(database_url: str) -> None:
    rng = random.Random()
    settings = ReplicaSettings(page_size=4, poll_wait_seconds=0)
    engine = build_engine(MatchingSettings(database_url=database_url))

    async def dawdle(_: str) -> None:
        await asyncio.sleep(rng.uniform(0, 0.01))  # widen the windows a kill can land in

    events, _ = scripted_events()
    transport = ScriptedFeed(events).transport()
    async with PostingsClient(
        "http://postings", token_source(AuthSettings(), settings), settings, transport=transport
    ) as client:
        consumer = ReplicaConsumer(
            client, build_sessionmaker(engine), SystemClock(), settings, ReplicaListeners(), checkpoint=dawdle
        )
        while (result := await consumer.step(wait=0)) is not None:
            print(f"batch {result.cursor}", flush=True)
        print(f"done {consumer.position}", flush=True)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1]))
