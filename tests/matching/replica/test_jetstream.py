"""The replica fed through NATS JetStream: relay and consumer killed 20 times, nothing lost or doubled."""

import asyncio
import json
import os
import random
import time
import uuid

import nats
import pytest

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.jetstream import JetStreamFeed
from services.matching.replica.listeners import ReplicaListeners
from services.postings.feed import service as feed
from services.postings.relay.config import RelaySettings
from services.postings.relay.relay import FeedRelay
from tests.conftest import LifespanApp
from tests.jetstream import NATS_URL, Db, Event, outbox_db, relay_settings, stream_name, write_events
from tests.matching.replica.feeds import employer_data, posting_data, replica_postings, stored_cursor

__all__ = ["outbox_db", "relay_settings", "stream_name"]  # fixtures

KILLS = 20
EVENTS = int(os.environ.get("LINGONG_STREAM_EVENTS", 10_000))  # ~12 s on either backend here


def scripted(total: int, seed: int = 7) -> tuple[list[Event], dict[str, int]]:
    """One employer, then postings changed again and again, interleaved; and each posting's last version."""
    rng = random.Random(seed)
    employer = uuid.UUID(int=rng.getrandbits(128))
    postings = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(max(1, total // 20))]
    version: dict[uuid.UUID, int] = {}
    events: list[Event] = [("employer.created", str(employer), employer_data(employer))]
    while len(events) < total:
        posting = rng.choice(postings)
        version[posting] = version.get(posting, 0) + 1
        kind = "posting.created" if version[posting] == 1 else "posting.updated"
        events.append((kind, str(posting), posting_data(posting, employer, version=version[posting])))
    return events, {str(p): v for p, v in version.items()}


def replica_settings_for(stream: str) -> ReplicaSettings:
    return ReplicaSettings(
        transport="jetstream",
        jetstream_url=NATS_URL,
        jetstream_stream=stream,
        jetstream_durable="replica",
        jetstream_ack_wait_seconds=2,
        page_size=200,
        poll_wait_seconds=0.5,
        backoff_base_seconds=0.05,
        backoff_max_seconds=0.2,
    )


class Pair:
    """One relay and one replica consumer, running until each is killed."""

    def __init__(
        self, outbox: Db, db: Db, clock: ManualClock, relay: RelaySettings, replica: ReplicaSettings
    ) -> None:
        rng = random.Random()

        async def dawdle(_: str) -> None:
            await asyncio.sleep(rng.uniform(0, 0.005))  # widen the windows a kill can land in

        self.relay = FeedRelay(outbox, relay)
        self.feed = JetStreamFeed(replica)
        self.consumer = ReplicaConsumer(self.feed, db, clock, replica, ReplicaListeners(), checkpoint=dawdle)
        self.relay.start()
        self.consumer.start()

    async def kill_relay(self) -> None:
        await self.relay.stop()

    async def kill_consumer(self) -> None:
        await self.consumer.stop()
        await self.feed.aclose()


async def _stream_seqs(stream: str) -> list[int]:
    nc = await nats.connect(NATS_URL)
    try:
        js = nc.jetstream()
        sub = await js.subscribe(">", stream=stream, ordered_consumer=True)
        seqs = []
        total = (await js.stream_info(stream)).state.messages
        while len(seqs) < total:
            msg = await sub.next_msg(timeout=5)
            seqs.append(int(json.loads(msg.data)["seq"]))
        return seqs
    finally:
        await nc.close()


async def _caught_up(db: Db, head: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (cursor := await stored_cursor(db)) is None or cursor.seq < head:
        assert time.monotonic() < deadline, f"the replica is at {cursor and cursor.seq} of {head}"
        await asyncio.sleep(0.1)


@pytest.mark.slow
async def test_relay_and_consumer_killed_twenty_times_leave_the_replica_equal_to_the_source(
    outbox_db: Db, db: Db, clock: ManualClock, relay_settings: RelaySettings, stream_name: str
) -> None:
    events, final = scripted(EVENTS)
    await write_events(outbox_db, clock, events)
    async with outbox_db() as session:
        head = await feed.last_seq(session)
    replica = replica_settings_for(stream_name)
    rng = random.Random(16)

    for _ in range(KILLS):
        pair = Pair(outbox_db, db, clock, relay_settings, replica)
        kills = [pair.kill_relay, pair.kill_consumer]
        rng.shuffle(kills)
        for kill in kills:  # each at its own random moment, mid-batch as often as not
            await asyncio.sleep(rng.uniform(0.02, 0.3))
            await kill()
    pair = Pair(outbox_db, db, clock, relay_settings, replica)
    try:
        await _caught_up(db, head, timeout=60)
    finally:
        await pair.kill_relay()
        await pair.kill_consumer()

    cursor = await stored_cursor(db)
    rows = await replica_postings(db)
    assert cursor is not None
    assert (cursor.seq, cursor.events) == (head, len(events))  # every event applied, each once
    assert {pid: row.version for pid, row in rows.items()} == final
    assert await _stream_seqs(stream_name) == list(range(head - len(events) + 1, head + 1))  # none twice


async def test_a_matching_service_set_to_jetstream_follows_the_stream(
    outbox_db: Db,
    db: Db,
    clock: ManualClock,
    relay_settings: RelaySettings,
    stream_name: str,
    matching_settings: MatchingSettings,
) -> None:
    events, final = scripted(50)
    await write_events(outbox_db, clock, events)
    relay = FeedRelay(outbox_db, relay_settings)
    relay.start()
    app = create_matching(matching_settings, clock)
    app.state.replica_settings = replica_settings_for(stream_name)
    try:
        async with LifespanApp(app):
            async with outbox_db() as session:
                await _caught_up(db, await feed.last_seq(session), timeout=20)
    finally:
        await relay.stop()

    rows = await replica_postings(db)
    assert {pid: row.version for pid, row in rows.items()} == final
