import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings, LoadSheddingSettings, sqlite_file
from services.postings.config import PostingsSettings
from services.postings.main import create_app
from tests.conftest import LifespanApp, client_for
from tests.postings.factories import create_employer, job_body

Token = Callable[..., dict[str, str]]


async def _count_postings(client: httpx.AsyncClient, token: Token) -> int:
    page = await client.get("/v1/postings", params={"limit": 200}, headers=token("admin", "a1"))
    return len(page.json()["items"])


@pytest.fixture
async def burst_client(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app that admits a burst of 51 at once. With the default bounds (20 in flight, 0.5 s
    in the queue) whether the burst is shed depends on how much CPU the test gets: 503 `overloaded` is
    the shedder's designed answer (tests/kit/test_load_shedding.py), not what these tests are about."""
    settings = PostingsSettings(
        database_url=await make_database("postings"),
        auth=auth_settings,
        load_shedding=LoadSheddingSettings(max_in_flight=64),
    )
    async with LifespanApp(create_app(settings, clock, background=False)) as app, client_for(app) as c:
        yield c


async def test_fifty_replays_of_one_key_create_one_posting_with_identical_bodies(
    burst_client: httpx.AsyncClient, token: Token
) -> None:
    client = burst_client
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    body = job_body(employer["id"])
    keyed = headers | {"Idempotency-Key": "posting-0001"}

    first = await client.post("/v1/postings", json=body, headers=keyed)
    replays = await asyncio.gather(
        *(client.post("/v1/postings", json=body, headers=keyed) for _ in range(50))
    )

    assert first.status_code == 201
    assert {r.status_code for r in replays} == {201}
    assert {r.content for r in replays} == {first.content}
    assert all(r.headers["Idempotent-Replayed"] == "true" for r in replays)
    assert await _count_postings(client, token) == 1


@asynccontextmanager
async def write_lock_held(database_url: str) -> AsyncIterator[None]:
    """Another transaction holds the write lock: SQLite's (BEGIN IMMEDIATE on the file), or on PostgreSQL
    an EXCLUSIVE lock on the idempotency table, which like SQLite's in WAL mode lets reads through."""
    path = sqlite_file(database_url)
    if path is not None:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn, conn.begin() as transaction:
            await conn.execute(text("LOCK TABLE idempotency_keys IN EXCLUSIVE MODE"))
            yield
            await transaction.rollback()
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Impatient:
    """A postings app whose writers wait at most 100 ms for SQLite's write lock, and employer e1 in it."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    employer_id: str
    database_url: str


@pytest.fixture
async def impatient(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings, token: Token
) -> AsyncIterator[Impatient]:
    settings = PostingsSettings(
        database_url=await make_database("postings"), auth=auth_settings, sqlite_busy_timeout_ms=100
    )
    async with LifespanApp(create_app(settings, background=False)) as app, client_for(app) as client:
        headers = token("employer", "e1")
        employer = await create_employer(client, headers)
        yield Impatient(client, headers, str(employer["id"]), settings.database_url)


async def test_replays_are_answered_while_a_writer_holds_the_write_lock(impatient: Impatient) -> None:
    # More replays than requests served at once (20), each a writer that would wait 100 ms at most.
    client, body = impatient.client, job_body(impatient.employer_id)
    keyed = impatient.headers | {"Idempotency-Key": "posting-0002"}
    first = await client.post("/v1/postings", json=body, headers=keyed)

    async with write_lock_held(impatient.database_url):
        replays = await asyncio.gather(
            *(client.post("/v1/postings", json=body, headers=keyed) for _ in range(30))
        )

    assert first.status_code == 201
    assert [r.status_code for r in replays] == [201] * 30
    assert {r.content for r in replays} == {first.content}


async def test_concurrent_twins_of_one_key_create_exactly_one_posting(
    client: httpx.AsyncClient, token: Token
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    body = job_body(employer["id"])
    keyed = headers | {"Idempotency-Key": "twins"}

    responses = await asyncio.gather(
        *(client.post("/v1/postings", json=body, headers=keyed) for _ in range(10))
    )

    created = [r for r in responses if r.status_code == 201]
    assert {r.status_code for r in responses} <= {201, 409}
    assert len({r.json()["id"] for r in created}) == 1
    assert all(r.json()["code"] == "idempotency_in_progress" for r in responses if r.status_code == 409)
    assert await _count_postings(client, token) == 1


async def test_same_key_with_another_body_is_422(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    keyed = headers | {"Idempotency-Key": "k-1"}
    await client.post("/v1/postings", json=job_body(employer["id"]), headers=keyed)

    response = await client.post("/v1/postings", json=job_body(employer["id"], title="另一个"), headers=keyed)

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


async def test_keys_are_kept_per_principal(client: httpx.AsyncClient, token: Token) -> None:
    one = await client.post(
        "/v1/employers",
        json={"name": "甲", "kind": "shop"},
        headers=token("employer", "e1") | {"Idempotency-Key": "k"},
    )
    two = await client.post(
        "/v1/employers",
        json={"name": "甲", "kind": "shop"},
        headers=token("employer", "e2") | {"Idempotency-Key": "k"},
    )

    assert one.json()["id"] != two.json()["id"]


async def test_a_failed_request_does_not_burn_its_key(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1") | {"Idempotency-Key": "retry-me"}
    bad = await client.post("/v1/employers", json={"name": "甲", "kind": "castle"}, headers=headers)

    good = await client.post("/v1/employers", json={"name": "甲", "kind": "shop"}, headers=headers)

    assert (bad.status_code, good.status_code) == (422, 201)


async def test_key_with_spaces_is_refused(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.post(
        "/v1/employers",
        json={"name": "甲", "kind": "shop"},
        headers=token("employer", "e1") | {"Idempotency-Key": "a b"},
    )

    assert response.json()["code"] == "bad_idempotency_key"


async def test_key_expires_after_its_lifetime(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    headers = token("employer", "e1") | {"Idempotency-Key": "old"}
    first = await client.post("/v1/employers", json={"name": "甲", "kind": "shop"}, headers=headers)
    clock.advance(timedelta(hours=25))

    again = await client.post("/v1/employers", json={"name": "甲", "kind": "shop"}, headers=headers)

    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]


async def test_a_post_whose_body_is_still_arriving_holds_no_other_writer_up(impatient: Impatient) -> None:
    # A writer waits at most 100 ms for SQLite's lock: the slow POST must not take it before its body is in.
    client, headers = impatient.client, impatient.headers
    payload = json.dumps(job_body(impatient.employer_id)).encode()
    rest_may_come = asyncio.Event()

    async def trickle() -> AsyncIterator[bytes]:
        yield payload[:10]
        await rest_may_come.wait()
        yield payload[10:]

    slow = asyncio.create_task(
        client.post("/v1/postings", content=trickle(), headers=headers | {"Content-Type": "application/json"})
    )
    await asyncio.sleep(0.3)  # the slow POST has sent its first bytes and waits for the rest
    meanwhile = await client.post("/v1/postings", json=job_body(impatient.employer_id), headers=headers)
    rest_may_come.set()
    slow_answer = await slow

    assert meanwhile.status_code == 201, meanwhile.text
    assert slow_answer.status_code == 201, slow_answer.text
