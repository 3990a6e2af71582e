"""What cutting a request's database round trips must not cost: a pooled connection the database dropped
is still replaced before use, a read runs no statement that writes or locks, and a page's gigs still
carry their shifts when jobs cost no query for them."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from services.kit.clock import ManualClock
from services.postings.config import PostingsSettings
from tests.postings.factories import create_employer, create_posting, gig_body, iso, job_body, publish
from tests.reads_guard import write_on_a_read

Token = Callable[..., dict[str, str]]


async def _drop_the_apps_connections(database_url: str) -> int:
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(url)
    try:
        dropped = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    return int(dropped)


@pytest.mark.postgres_only
async def test_a_pooled_connection_the_database_dropped_while_idle_is_replaced_before_use(
    client: httpx.AsyncClient,
    token: Token,
    postings_settings: PostingsSettings,
) -> None:
    seeker = token("seeker", "s-1")
    assert (await client.get("/v1/postings", headers=seeker)).status_code == 200
    assert await _drop_the_apps_connections(postings_settings.database_url) >= 1
    await asyncio.sleep(postings_settings.database_ping_after_idle_seconds + 0.1)  # idle long enough

    response = await client.get("/v1/postings", headers=seeker)

    assert response.status_code == 200, response.text


@pytest.mark.postgres_only
async def test_a_read_that_writes_is_refused_and_leaves_nothing_behind(app: FastAPI, token: Token) -> None:
    outcome = await write_on_a_read(app, token("seeker", "s-1"), "written_on_a_read", alone=False)

    assert outcome == (500, False)


async def test_a_page_mixing_jobs_and_gigs_shows_each_gig_with_its_shifts_in_order(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    owner = token("employer", "owner-1")
    employer = await create_employer(client, owner)
    later, sooner = clock.now() + timedelta(days=3), clock.now() + timedelta(days=2)
    two_shifts = [
        {"starts_at": iso(at), "ends_at": iso(at + timedelta(hours=4)), "headcount": 2}
        for at in (later, sooner)
    ]
    gig_a, etag_a = await create_posting(
        client, owner, gig_body(employer["id"], clock.now(), shifts=two_shifts)
    )
    job, etag_j = await create_posting(client, owner, job_body(employer["id"]))
    gig_b, etag_b = await create_posting(client, owner, gig_body(employer["id"], clock.now(), headcount=2))
    for posting, etag in ((gig_a, etag_a), (job, etag_j), (gig_b, etag_b)):
        assert (await publish(client, owner, posting["id"], etag)).status_code == 200

    page = (await client.get("/v1/postings", headers=token("seeker", "s-1"))).json()

    shown = {p["id"]: p["shifts"] for p in page["items"]}
    assert shown[job["id"]] == []
    assert [s["starts_at"][:10] for s in shown[gig_a["id"]]] == [iso(sooner)[:10], iso(later)[:10]]
    assert [s["id"] for s in shown[gig_b["id"]]] == [s["id"] for s in gig_b["shifts"]]
