"""The real NATS JetStream server (tests skip when it does not answer), a stream per test, an outbox."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import nats
import pytest
from nats.js.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import ManualClock
from services.kit.db import build_engine, build_sessionmaker
from services.kit.uow import unit_of_work
from services.postings.config import PostingsSettings
from services.postings.feed import service as feed
from services.postings.relay.config import RelaySettings

NATS_URL = os.environ.get("TEST_NATS_URL", "nats://127.0.0.1:4222")


async def reachable(url: str = NATS_URL) -> bool:
    try:
        nc = await nats.connect(url, allow_reconnect=False, connect_timeout=1, max_reconnect_attempts=0)
    except (OSError, TimeoutError, nats.errors.Error):
        return False
    try:
        await nc.jetstream().account_info()
    except Exception:  # noqa: BLE001 - a server without JetStream is as good as none here
        return False
    finally:
        await nc.close()
    return True


@pytest.fixture
async def stream_name() -> AsyncIterator[str]:
    """A stream name of this test's own (parallel runs never meet); the stream is deleted at the end."""
    if not await reachable():
        pytest.skip(f"NATS JetStream does not answer at {NATS_URL} (start `nats-server -js`)")
    name = f"TEST_FEED_{uuid.uuid4().hex[:12].upper()}"
    yield name
    nc = await nats.connect(NATS_URL, allow_reconnect=False)
    try:
        await nc.jetstream().delete_stream(name)
    except NotFoundError:
        pass
    finally:
        await asyncio.wait_for(nc.close(), 5)


Db = async_sessionmaker[AsyncSession]
Event = tuple[str, str, dict[str, Any]]


@pytest.fixture
async def outbox_db(make_database: Callable[[str], Awaitable[str]]) -> AsyncIterator[Db]:
    """A migrated postings database, written and read directly (the outbox is the relay's input)."""
    engine = build_engine(PostingsSettings(database_url=await make_database("postings")))
    yield build_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def relay_settings(stream_name: str) -> RelaySettings:
    return RelaySettings(
        url=NATS_URL,
        stream=stream_name,
        subject_prefix=f"test.{stream_name.lower()}",
        batch_size=50,
        idle_seconds=0.05,
        backoff_base_seconds=0.05,
        backoff_max_seconds=0.2,
    )


async def write_events(db: Db, clock: ManualClock, events: list[Event], per_commit: int = 500) -> None:
    """Commit (type, aggregate id, data) events to the outbox the way services do, `per_commit` at a time."""
    for start in range(0, len(events), per_commit):
        async with unit_of_work(db) as session:
            for type_, aggregate, data in events[start : start + per_commit]:
                feed.record(session, clock, None, type_, aggregate, data)
