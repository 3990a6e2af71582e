"""The consumer's loop: it backs off on any failure, resumes from the same position, and says what it does."""

import asyncio
import uuid
from collections.abc import Callable

import httpx

from services.matching.replica import service
from services.matching.replica.client import PostingsClient
from services.matching.replica.consumer import ReplicaConsumer
from tests.matching.replica.conftest import Db, Sleeps
from tests.matching.replica.feeds import ScriptedFeed, event, posting_data, replica_postings, stored_cursor

MakeClient = Callable[..., PostingsClient]
MakeConsumer = Callable[..., ReplicaConsumer]
EMPLOYER = uuid.uuid4()


def _feed(n: int = 3) -> ScriptedFeed:
    return ScriptedFeed(
        [event(seq, "posting.created", posting_data(uuid.uuid4(), EMPLOYER)) for seq in range(1, n + 1)]
    )


async def _until(predicate: Callable[[], bool]) -> None:
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


async def test_the_consumer_backs_off_when_the_feed_is_down_and_recovers_with_a_quick_poll(
    make_client: MakeClient, make_consumer: MakeConsumer, sleeps: Sleeps, db: Db
) -> None:
    feed = _feed()
    feed.replies = [httpx.Response(503)] * 3
    async with make_client(feed.transport(), max_attempts=3) as client:
        consumer = make_consumer(client, poll_wait_seconds=30)
        seen_states: list[str] = []  # the state while each wait lasts: a backoff is one of them
        sleeps.observers.append(lambda: seen_states.append(consumer.state.state))
        consumer.start()
        await _until(lambda: consumer.position == 3)
        await consumer.stop()

    assert "backing_off" in seen_states
    assert consumer.state.last_error == "PostingsUnavailable"
    assert consumer.state.consecutive_failures == 0
    assert feed.requests[3].url.params["wait"] == "0.0"  # the first poll after the outage does not wait
    assert all(d < 1 for d in sleeps.delays[:3])  # two client retries, one consumer backoff
    assert len(await replica_postings(db)) == 3


async def test_a_failed_transaction_is_retried_from_the_same_position(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    failures = [RuntimeError("database went away")]

    async def flaky(point: str) -> None:
        if point == service.CURSOR_WRITTEN and failures:
            raise failures.pop()

    async with make_client(_feed().transport()) as client:
        consumer = make_consumer(client, checkpoint=flaky)
        consumer.start()
        await _until(lambda: consumer.position == 3)
        await consumer.stop()

    cursor = await stored_cursor(db)
    assert consumer.state.last_error == "RuntimeError"
    assert cursor is not None
    assert (cursor.seq, cursor.events) == (3, 3)


async def test_consumer_backoff_grows_with_consecutive_failures(
    make_client: MakeClient, make_consumer: MakeConsumer, sleeps: Sleeps
) -> None:
    feed = _feed()
    feed.replies = [httpx.Response(403)] * 4  # a refusal: the client does not retry, the consumer backs off
    async with make_client(feed.transport()) as client:
        consumer = make_consumer(client, backoff_base_seconds=1, backoff_max_seconds=100)
        consumer.start()
        await _until(lambda: consumer.position == 3)
        await consumer.stop()

    for n, delay in enumerate(sleeps.delays[:4], start=1):
        assert 2 ** (n - 1) / 2 <= delay <= 2 ** (n - 1)


async def test_a_feed_that_answers_without_waiting_is_not_hammered(
    make_client: MakeClient, make_consumer: MakeConsumer, sleeps: Sleeps
) -> None:
    async with make_client(_feed(0).transport()) as client:
        consumer = make_consumer(client, poll_wait_seconds=30)
        consumer.start()
        await _until(lambda: len(sleeps.delays) >= 3)
        await consumer.stop()

    assert sleeps.delays[:3] == [1.0, 1.0, 1.0]


async def test_stop_leaves_the_consumer_stopped_and_can_be_called_twice(
    make_client: MakeClient, make_consumer: MakeConsumer
) -> None:
    async with make_client(_feed(0).transport()) as client:
        consumer = make_consumer(client, poll_wait_seconds=30)
        consumer.start()
        await _until(lambda: consumer.state.state == "running")
        await consumer.stop()
        await consumer.stop()

    assert consumer.state.state == "stopped"
