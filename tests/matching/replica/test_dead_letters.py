"""Events the replica cannot read go to the dead letters; the cursor moves past them and later events land."""

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from services.matching.replica.client import PostingsClient
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.exceptions import FeedPageInvalid
from tests.matching.replica.conftest import Db, catch_up
from tests.matching.replica.feeds import (
    ScriptedFeed,
    dead_letters,
    event,
    posting_data,
    replica_employers,
    replica_postings,
    stored_cursor,
)

MakeClient = Callable[..., PostingsClient]
MakeConsumer = Callable[..., ReplicaConsumer]
EMPLOYER = uuid.uuid4()


async def _follow(feed: ScriptedFeed, make_client: MakeClient, make_consumer: MakeConsumer) -> None:
    async with make_client(feed.transport()) as client:
        await catch_up(make_consumer(client))


def _good_posting(seq: int, **overrides: Any) -> dict[str, Any]:
    return event(seq, "posting.created", posting_data(uuid.uuid4(), EMPLOYER, **overrides))


BAD_EVENTS: dict[str, dict[str, Any]] = {
    "unknown type": event(2, "posting.teleported", posting_data(uuid.uuid4(), EMPLOYER)),
    "unknown schema version": event(
        2, "posting.created", posting_data(uuid.uuid4(), EMPLOYER), schema_version=7
    ),
    "data failing validation": event(
        2, "posting.created", posting_data(uuid.uuid4(), EMPLOYER, kind="dream")
    ),
    "missing created_at": {k: v for k, v in _good_posting(2).items() if k != "created_at"},
    "a version beyond the replica's integer column": event(
        2, "posting.created", posting_data(uuid.uuid4(), EMPLOYER, version=2**31)
    ),
    "data not an object": event(2, "posting.created", {}) | {"data": ["not", "an", "object"]},
    "NUL bytes in the type": event(2, "posting.\x00created", posting_data(uuid.uuid4(), EMPLOYER)),
}


@pytest.mark.parametrize("bad", BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
async def test_an_unreadable_event_is_dead_lettered_and_later_events_still_apply(
    bad: dict[str, Any], make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    feed = ScriptedFeed([_good_posting(1), bad, _good_posting(3)])

    await _follow(feed, make_client, make_consumer)

    letters = await dead_letters(db)
    cursor = await stored_cursor(db)
    assert [letter.seq for letter in letters] == [2]
    assert letters[0].raw["seq"] == 2
    assert cursor is not None
    assert (cursor.seq, cursor.events) == (3, 3)
    assert len(await replica_postings(db)) == 2


async def test_a_dead_letter_keeps_the_type_the_raw_event_the_error_and_the_time(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    bad = event(1, "posting.created", posting_data(uuid.uuid4(), EMPLOYER, status="vanished"))

    await _follow(ScriptedFeed([bad]), make_client, make_consumer)

    (letter,) = await dead_letters(db)
    assert (letter.type, letter.schema_version, letter.raw) == ("posting.created", 1, bad)
    assert "status" in letter.error
    assert letter.created_at is not None


async def test_events_the_replica_does_not_need_are_consumed_without_dead_letters(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    feed = ScriptedFeed(
        [
            event(1, "appeal.decided", {"id": str(uuid.uuid4())}),
            event(2, "rating.created", {"id": str(uuid.uuid4())}),
            event(3, "reliability.worker", {"seeker_id": "s1"}),
        ]
    )

    await _follow(feed, make_client, make_consumer)

    cursor = await stored_cursor(db)
    assert await dead_letters(db) == []
    assert cursor is not None
    assert cursor.seq == 3


async def test_a_dead_lettered_event_is_not_dead_lettered_again_on_restart(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    feed = ScriptedFeed([event(1, "posting.teleported", {})])
    await _follow(feed, make_client, make_consumer)

    await _follow(feed, make_client, make_consumer)

    assert len(await dead_letters(db)) == 1


async def test_an_older_snapshot_never_overwrites_a_newer_one(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    posting = uuid.uuid4()
    feed = ScriptedFeed(
        [
            event(1, "posting.published", posting_data(posting, EMPLOYER, version=2, status="open")),
            event(2, "posting.created", posting_data(posting, EMPLOYER, version=1, status="draft")),
        ]
    )

    await _follow(feed, make_client, make_consumer)

    row = (await replica_postings(db))[str(posting)]
    assert (row.version, row.status, row.applied_seq) == (2, "open", 1)


async def test_an_employer_from_a_bulk_import_without_a_version_is_kept(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    data = {"id": str(EMPLOYER), "name": "梁山好焊劳务", "kind": "company", "verified": False}

    await _follow(ScriptedFeed([event(1, "employer.created", data)]), make_client, make_consumer)

    assert await dead_letters(db) == []
    assert (await replica_employers(db))[str(EMPLOYER)].version == 1


async def test_a_page_that_is_not_a_feed_page_is_retried_not_dead_lettered(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    feed = ScriptedFeed([_good_posting(1)])
    feed.replies = [httpx.Response(200, json={"events": [{"no": "seq"}], "next": 1})]
    async with make_client(feed.transport()) as client:
        consumer = make_consumer(client)
        with pytest.raises(FeedPageInvalid):
            await consumer.step(wait=0)
        await catch_up(consumer)

    assert await dead_letters(db) == []
    assert len(await replica_postings(db)) == 1
