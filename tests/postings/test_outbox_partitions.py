"""The outbox is partitioned by month on PostgreSQL: events land in their month, the feed reads across
partitions in sequence order, a month without a partition is caught and moved, old months are dropped."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from sqlalchemy import text

from services.cli import main as cli
from services.kit.clock import ManualClock
from services.kit.uow import unit_of_work
from services.postings.config import PostingsSettings, get_settings
from services.postings.feed import partitions
from tests import databases
from tests.postings.factories import create_employer, create_posting, job_body

Token = Callable[..., dict[str, str]]

postgres_only = pytest.mark.postgres_only


async def feed_seqs(client: httpx.AsyncClient, token: Token) -> list[int]:
    response = await client.get("/v1/feed", params={"limit": 1000}, headers=token("service", "matching"))
    assert response.status_code == 200, response.text
    return [e["seq"] for e in response.json()["events"]]


async def write_some(client: httpx.AsyncClient, token: Token, n: int = 2) -> None:
    headers = token("employer", "e1")
    employers = (await client.get("/v1/employers", headers=headers)).json()["items"]
    employer = employers[0] if employers else await create_employer(client, headers)
    for i in range(n):
        await create_posting(client, headers, job_body(employer["id"], title=f"岗位{i}"))


async def listed(app: FastAPI) -> list[partitions.Partition]:
    async with app.state.sessionmaker() as session:
        return await partitions.partitions(session)


async def upkeep(app: FastAPI) -> list[str]:
    made: list[str] = await app.state.partitions.run_once()
    return made


@postgres_only
async def test_the_outbox_has_this_months_partition_and_a_default(app: FastAPI, clock: ManualClock) -> None:
    await upkeep(app)

    found = await listed(app)

    months = [p.month for p in found if p.month is not None]
    assert partitions.month_start(clock.now()) in months
    assert len(months) >= 4  # this month and three ahead
    assert found[-1].name == partitions.DEFAULT


@postgres_only
async def test_events_land_in_the_partition_of_their_month(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    await upkeep(app)

    await write_some(client, token)

    by_name = {p.name: p.rows for p in await listed(app)}
    assert by_name[partitions.partition_name(partitions.month_start(clock.now()))] >= 2
    assert by_name[partitions.DEFAULT] == 0


@postgres_only
async def test_an_event_in_a_month_without_a_partition_is_caught_then_moved_into_its_month(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    clock.advance(timedelta(days=400))  # far past the months made ahead
    await write_some(client, token, n=1)
    before = await feed_seqs(client, token)
    assert {p.name: p.rows for p in await listed(app)}[partitions.DEFAULT] >= 1

    made = await upkeep(app)

    rows = {p.name: p.rows for p in await listed(app)}
    assert partitions.partition_name(partitions.month_start(clock.now())) in made
    assert rows[partitions.DEFAULT] == 0
    assert rows[partitions.partition_name(partitions.month_start(clock.now()))] >= 1
    assert await feed_seqs(client, token) == before  # nothing lost, nothing renumbered


@postgres_only
async def test_the_feed_reads_across_months_in_sequence_order(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    for _ in range(3):
        await upkeep(app)
        await write_some(client, token)
        clock.advance(timedelta(days=31))

    seqs = await feed_seqs(client, token)

    assert seqs == sorted(seqs)
    assert len(seqs) == len(set(seqs))
    assert sum(1 for p in await listed(app) if p.rows) >= 3


@postgres_only
async def test_dropping_old_months_leaves_the_later_feed_whole(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    await upkeep(app)
    await write_some(client, token)
    old = await feed_seqs(client, token)
    clock.advance(timedelta(days=62))
    await upkeep(app)
    await write_some(client, token)
    everything = await feed_seqs(client, token)

    async with unit_of_work(app.state.sessionmaker) as session:
        dropped = await partitions.drop_before(session, partitions.month_start(clock.now()))

    assert dropped
    assert await feed_seqs(client, token) == [s for s in everything if s not in old]


@postgres_only
async def test_the_partitions_command_makes_months_ahead_and_lists_them(
    postings_settings: PostingsSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTINGS_DATABASE_URL", postings_settings.database_url)
    get_settings.cache_clear()  # the command reads the settings of the environment above
    try:
        result = await asyncio.to_thread(CliRunner().invoke, cli, ["partitions", "--ahead", "5"])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert sum(1 for line in result.output.splitlines() if line.startswith("outbox_p")) >= 6
    assert "outbox_default\tdefault" in result.output


@pytest.mark.skipif(databases.backend() != "sqlite", reason="the embedded database's own behaviour")
async def test_partition_upkeep_does_nothing_on_the_embedded_database(
    app: FastAPI, client: httpx.AsyncClient, token: Token
) -> None:
    await write_some(client, token)

    assert await upkeep(app) == []
    assert await listed(app) == []
    async with app.state.sessionmaker() as session:
        assert (await session.execute(text("SELECT count(*) FROM outbox"))).scalar_one() >= 2
