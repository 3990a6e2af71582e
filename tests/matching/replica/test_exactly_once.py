"""Exactly once: a crash or a cancel at any point of a batch, then a restart, loses and doubles nothing."""

import asyncio
from collections.abc import Callable

import httpx
import pytest

from services.matching.replica import service
from services.matching.replica.client import PostingsClient
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.listeners import ReplicaChange, ReplicaListeners
from tests.matching.replica.conftest import Db, Token, catch_up
from tests.matching.replica.feeds import T0, replica_postings, stored_cursor
from tests.postings.factories import create_employer, create_posting, job_body, publish

MakeConsumer = Callable[..., ReplicaConsumer]


class SimulatedCrash(Exception):
    pass


def crash_at(point: str, batch: int = 1) -> service.Checkpoint:
    """Crash once, the `batch`-th time `point` is reached."""
    seen = [0]

    async def checkpoint(reached: str) -> None:
        if reached == point:
            seen[0] += 1
            if seen[0] == batch:
                raise SimulatedCrash(point)

    return checkpoint


async def _make_changes(postings: httpx.AsyncClient, token: Token, n: int = 4) -> dict[str, int]:
    """An employer and n postings, every other one published: posting id → its final version."""
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    versions = {}
    for i in range(n):
        posting, etag = await create_posting(postings, headers, job_body(employer["id"], title=f"焊工{i}"))
        versions[posting["id"]] = 1
        if i % 2 == 0:
            await publish(postings, headers, posting["id"], etag)
            versions[posting["id"]] = 2
    return versions


async def _feed_length(postings: httpx.AsyncClient, token: Token) -> int:
    page = (await postings.get("/v1/feed", params={"limit": 1000}, headers=token("service", "m"))).json()
    return len(page["events"])


async def _assert_exactly_once(db: Db, versions: dict[str, int], feed_length: int) -> None:
    rows = await replica_postings(db)
    cursor = await stored_cursor(db)
    assert {pid: row.version for pid, row in rows.items()} == versions
    assert cursor is not None
    assert (cursor.seq, cursor.events) == (feed_length, feed_length)


@pytest.mark.parametrize("point", [service.APPLIED, service.CURSOR_WRITTEN])
async def test_a_crash_inside_a_batch_leaves_nothing_behind(
    point: str,
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    await _make_changes(postings, token)

    with pytest.raises(SimulatedCrash):
        await make_consumer(feed_client, checkpoint=crash_at(point)).step(wait=0)

    assert await replica_postings(db) == {}
    assert await stored_cursor(db) is None


@pytest.mark.parametrize("point", [service.APPLIED, service.CURSOR_WRITTEN])
async def test_a_restart_after_a_crash_inside_a_batch_applies_every_event_once(
    point: str,
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    versions = await _make_changes(postings, token)
    crashing = make_consumer(feed_client, checkpoint=crash_at(point, batch=2), page_size=3)
    await crashing.step(wait=0)
    with pytest.raises(SimulatedCrash):
        await crashing.step(wait=0)

    await catch_up(make_consumer(feed_client, page_size=3))

    await _assert_exactly_once(db, versions, await _feed_length(postings, token))


async def test_crashing_again_and_again_at_both_points_and_restarting_applies_every_event_once(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    versions = await _make_changes(postings, token, n=6)
    calls = [0]
    crashed_at: set[str] = set()

    async def flaky(point: str) -> None:
        # Two checkpoints a batch; crashing on calls 1 and 3 of every 5 hits both points in turn.
        calls[0] += 1
        if calls[0] % 5 in (1, 3):
            crashed_at.add(point)
            raise SimulatedCrash

    restarts = 0
    while restarts < 100:
        consumer = make_consumer(feed_client, checkpoint=flaky, page_size=2)
        try:
            await catch_up(consumer)
            break
        except SimulatedCrash:
            restarts += 1

    assert restarts > 5
    assert crashed_at == {service.APPLIED, service.CURSOR_WRITTEN}
    await _assert_exactly_once(db, versions, await _feed_length(postings, token))


async def test_stopping_the_consumer_mid_batch_rolls_the_batch_back_and_a_restart_completes_it(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    versions = await _make_changes(postings, token)
    inside = asyncio.Event()

    async def hang(point: str) -> None:
        if point == service.APPLIED:
            inside.set()
            await asyncio.Event().wait()

    stuck = make_consumer(feed_client, checkpoint=hang)
    stuck.start()
    await asyncio.wait_for(inside.wait(), 10)
    await stuck.stop()
    nothing_yet = await replica_postings(db)
    await catch_up(make_consumer(feed_client))

    assert nothing_yet == {}
    await _assert_exactly_once(db, versions, await _feed_length(postings, token))


async def test_a_page_applied_again_changes_nothing(
    postings: httpx.AsyncClient, token: Token, feed_client: PostingsClient, db: Db
) -> None:
    await _make_changes(postings, token)
    page = await feed_client.read_feed(0, limit=100)
    events = page.events
    async with db.begin() as session:
        first = await service.apply_page(session, "postings", events, T0)
    async with db.begin() as session:
        again = await service.apply_page(session, "postings", events, T0)

    assert (first.applied, first.skipped) == (len(events), 0)
    assert (again.applied, again.skipped) == (0, len(events))
    cursor = await stored_cursor(db)
    assert cursor is not None
    assert cursor.events == len(events)


async def test_two_consumers_on_one_database_apply_each_event_once_and_both_hear_every_posting(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    versions = await _make_changes(postings, token, n=6)
    heard: list[set[str]] = [set(), set()]
    consumers = []
    for ears in heard:
        listeners = ReplicaListeners()
        listeners.subscribe(lambda change, ears=ears: ears.update(_ids(change)))
        consumers.append(make_consumer(feed_client, listeners=listeners, page_size=2))

    await asyncio.gather(*(catch_up(c) for c in consumers))

    await _assert_exactly_once(db, versions, await _feed_length(postings, token))
    assert heard == [set(versions), set(versions)]


def _ids(change: ReplicaChange) -> set[str]:
    return {str(p["id"]) for p in change.postings}
