"""The consumer following the real postings app (through ASGITransport) into the matching database."""

from collections.abc import Callable
from datetime import timedelta

import httpx

from services.kit.clock import ManualClock
from services.matching.replica.client import PostingsClient
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.listeners import ReplicaChange, ReplicaListeners
from tests.matching.replica.conftest import Db, Token, catch_up
from tests.matching.replica.feeds import replica_employers, replica_postings, stored_cursor
from tests.postings.factories import create_employer, create_posting, gig_body, iso, job_body, publish

MakeConsumer = Callable[..., ReplicaConsumer]


async def test_created_employer_and_posting_appear_in_the_replica(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    posting, _ = await create_posting(postings, headers, job_body(employer["id"]))

    await catch_up(make_consumer(feed_client))

    row = (await replica_postings(db))[posting["id"]]
    assert (row.status, row.kind, row.county_adcode, row.version) == ("draft", "job", "370102", 1)
    assert (row.lat, row.lng) == (36.6665, 117.0764)
    assert row.snapshot == posting
    assert (await replica_employers(db))[employer["id"]].name == employer["name"]


async def test_publish_then_close_moves_the_replica_status(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    posting, etag = await create_posting(postings, headers, job_body(employer["id"]))
    consumer = make_consumer(feed_client)
    published = await publish(postings, headers, posting["id"], etag)
    await catch_up(consumer)
    status_after_publish = (await replica_postings(db))[posting["id"]].status

    closed = await postings.post(
        f"/v1/postings/{posting['id']}/close", headers=headers | {"If-Match": published.headers["ETag"]}
    )
    await catch_up(consumer)
    row = (await replica_postings(db))[posting["id"]]

    assert status_after_publish == "open"
    assert (row.status, row.version) == ("closed", closed.json()["version"])
    assert row.snapshot["close_reason"] == "closed"


async def test_a_gig_keeps_its_shifts_in_the_snapshot_and_new_shifts_join_them(
    postings: httpx.AsyncClient,
    token: Token,
    clock: ManualClock,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    gig, _ = await create_posting(postings, headers, gig_body(employer["id"], clock.now()))
    start = clock.now() + timedelta(days=3)
    added = await postings.post(
        f"/v1/postings/{gig['id']}/shifts",
        json={"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=3)), "headcount": 5},
        headers=headers,
    )

    await catch_up(make_consumer(feed_client))

    shifts = (await replica_postings(db))[gig["id"]].snapshot["shifts"]
    assert [s["id"] for s in shifts] == [gig["shifts"][0]["id"], added.json()["id"]]
    assert shifts[1]["headcount"] == 5


async def test_employer_verification_reaches_the_replica(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    employer = await create_employer(postings, token("employer", "e1"))
    await postings.post(
        f"/v1/employers/{employer['id']}/verify",
        json={"verified": True},
        headers=token("staff", "s1", station="st-1", county="370102") | {"If-Match": f'"{employer["id"]}.1"'},
    )

    await catch_up(make_consumer(feed_client))

    row = (await replica_employers(db))[employer["id"]]
    assert (row.verified, row.version) == (True, 2)


async def test_cursor_is_the_last_applied_seq_and_counts_every_event(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    for n in range(3):
        await create_posting(postings, headers, job_body(employer["id"], title=f"电焊工{n}"))
    feed = (await postings.get("/v1/feed", headers=token("service", "matching"))).json()

    await catch_up(make_consumer(feed_client))

    cursor = await stored_cursor(db)
    assert cursor is not None
    assert (cursor.seq, cursor.events) == (feed["next"], len(feed["events"]))


async def test_pages_smaller_than_the_feed_are_followed_to_the_end(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    for n in range(7):
        await create_posting(postings, headers, job_body(employer["id"], title=f"电焊工{n}"))

    batches = await catch_up(make_consumer(feed_client, page_size=2))

    assert len(batches) == 4
    assert len(await replica_postings(db)) == 7


async def test_a_restarted_consumer_resumes_from_the_stored_cursor(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    await catch_up(make_consumer(feed_client))
    await create_posting(postings, headers, job_body(employer["id"]))

    batches = await catch_up(make_consumer(feed_client))

    assert [(b.applied, b.skipped) for b in batches] == [(1, 0)]
    assert len(await replica_postings(db)) == 1


async def test_listeners_hear_the_changed_postings_after_each_commit(
    postings: httpx.AsyncClient, token: Token, feed_client: PostingsClient, make_consumer: MakeConsumer
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    posting, etag = await create_posting(postings, headers, job_body(employer["id"]))
    await publish(postings, headers, posting["id"], etag)
    heard: list[ReplicaChange] = []
    listeners = ReplicaListeners()
    listeners.subscribe(heard.append)

    await catch_up(make_consumer(feed_client, listeners=listeners))

    assert len(heard) == 1
    assert [(p["id"], p["status"], p["version"]) for p in heard[0].postings] == [(posting["id"], "open", 2)]
    assert [e["id"] for e in heard[0].employers] == [employer["id"]]


async def test_a_failing_listener_neither_stops_the_consumer_nor_the_others(
    postings: httpx.AsyncClient,
    token: Token,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    db: Db,
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    listeners = ReplicaListeners()
    heard: list[ReplicaChange] = []

    def broken(_: ReplicaChange) -> None:
        raise RuntimeError("index exploded")

    listeners.subscribe(broken)
    listeners.subscribe(heard.append)
    consumer = make_consumer(feed_client, listeners=listeners)
    await catch_up(consumer)
    await create_posting(postings, headers, job_body(employer["id"]))
    await catch_up(consumer)

    assert len(heard) == 2
    assert len(await replica_postings(db)) == 1


async def test_an_unsubscribed_listener_hears_nothing_more(
    postings: httpx.AsyncClient, token: Token, feed_client: PostingsClient, make_consumer: MakeConsumer
) -> None:
    listeners = ReplicaListeners()
    heard: list[ReplicaChange] = []
    unsubscribe = listeners.subscribe(heard.append)
    unsubscribe()
    await create_employer(postings, token("employer", "e1"))

    await catch_up(make_consumer(feed_client, listeners=listeners))

    assert heard == []
