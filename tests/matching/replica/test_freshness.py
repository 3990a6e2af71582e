"""A new posting is in the replica, and its listeners have heard of it, within a second of its commit.

Both apps run in this event loop; matching's own lifecycle runs the consumer, long-polling the real
postings app through ASGITransport. The figure is measured here and asserted generously (the
benchmark proper is `make bench`).
"""

import asyncio
import time
from collections.abc import Callable

import httpx
from fastapi import FastAPI

from services.matching.replica.listeners import ReplicaChange, replica_listeners
from tests.matching.replica.conftest import Db, Token
from tests.matching.replica.feeds import replica_postings
from tests.postings.factories import create_employer, create_posting, job_body


async def test_a_new_posting_reaches_the_replica_within_a_second_of_its_commit(
    postings: httpx.AsyncClient,
    live_matching_app: FastAPI,
    live_matching: httpx.AsyncClient,
    token: Token,
    db: Db,
    record_property: Callable[[str, object], None],
) -> None:
    heard: dict[str, float] = {}
    arrived = asyncio.Event()

    def listen(change: ReplicaChange) -> None:
        for posting in change.postings:
            heard.setdefault(str(posting["id"]), time.perf_counter())
        arrived.set()

    replica_listeners(live_matching_app).subscribe(listen)
    headers = token("employer", "e1")
    employer = await create_employer(postings, headers)
    latencies, after_response = [], []
    for n in range(5):
        arrived.clear()
        started = time.perf_counter()
        posting, _ = await create_posting(postings, headers, job_body(employer["id"], title=f"电焊工{n}"))
        answered = time.perf_counter()  # the commit happened just before the response was sent
        while posting["id"] not in heard:
            await asyncio.wait_for(arrived.wait(), 3)
            arrived.clear()
        latencies.append(heard[posting["id"]] - started)
        after_response.append(heard[posting["id"]] - answered)

    record_property("request_to_replica_seconds", latencies)
    record_property("response_to_replica_seconds", after_response)
    print(
        "POST sent → replica (ms):",
        [round(x * 1000) for x in latencies],
        "POST answered → replica (ms):",
        [round(x * 1000) for x in after_response],
    )
    assert max(latencies) < 3
    assert len(await replica_postings(db)) == 5
