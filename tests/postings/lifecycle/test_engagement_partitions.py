"""Engagements partitioned by month on PostgreSQL (on the shift's start): an engagement lands in its
month; the gig lifecycle works across months on both databases; a month without a partition is caught by
the default partition and moved, with its disputes, ratings and wrong-code records; old months are
dropped only when they hold no wage record to keep."""

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from sqlalchemy import func, select, text

from services.cli import main as cli
from services.kit.clock import ManualClock
from services.kit.migrate import downgrade, upgrade
from services.kit.uow import unit_of_work
from services.postings.appeals.models import Appeal
from services.postings.config import PostingsSettings, get_settings
from services.postings.disputes.models import Dispute
from services.postings.engagements.models import CodeAttempt, Engagement
from services.postings.feed import partitions
from services.postings.feed.partitions import ENGAGEMENTS, KeptWageRecords
from services.postings.main import create_app
from services.postings.ratings.models import Rating
from tests import databases
from tests.conftest import LifespanApp, client_for
from tests.postings.lifecycle.factories import Gig, booked, geo, open_gig, step

Token = Callable[..., dict[str, str]]
postgres_only = pytest.mark.postgres_only
KEEP = 730


def first_of(months_ahead: int, now: datetime) -> datetime:
    """Noon on the 10th of the month `months_ahead` after now's month."""
    month = partitions.month_start(now)
    for _ in range(months_ahead):
        month = partitions.next_month(month)
    return datetime(month.year, month.month, 10, 4, tzinfo=UTC)


async def gig_in(client: httpx.AsyncClient, boss: dict[str, str], clock: ManualClock, months: int) -> Gig:
    return await open_gig(client, boss, clock.now(), starts_in=first_of(months, clock.now()) - clock.now())


async def upkeep(app: FastAPI) -> list[str]:
    made: list[str] = await app.state.partitions.run_once()
    return made


async def partition_of(app: FastAPI, engagement_id: str) -> str:
    async with app.state.sessionmaker() as session:
        name = await session.scalar(
            text("SELECT tableoid::regclass::text FROM engagements WHERE id = :id"),
            {"id": uuid.UUID(engagement_id)},
        )
    return str(name)


async def dependants(app: FastAPI, engagement_id: str) -> dict[str, list[str]]:
    """The ids of an engagement's disputes, appeals, ratings and wrong-code records."""
    found = {}
    async with app.state.sessionmaker() as session:
        for model in (Dispute, Appeal, Rating, CodeAttempt):
            ids = await session.scalars(
                select(model.id).where(model.engagement_id == uuid.UUID(engagement_id))
            )
            found[model.__tablename__] = sorted(str(i) for i in ids)
    return found


async def work_it(client: httpx.AsyncClient, worker: dict[str, str], gig: Gig, clock: ManualClock) -> str:
    """Book, a wrong code, check in, check out, confirmation: a confirmed engagement's id."""
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at - timedelta(minutes=5))
    wrong = await step(client, worker, taken["id"], "check-in", method="code", code="000000")
    assert wrong.status_code == 422, wrong.text
    assert (await step(client, worker, taken["id"], "check-in", **geo())).status_code == 200
    clock.set(datetime.fromisoformat(gig.shifts[0]["ends_at"]))
    assert (await step(client, worker, taken["id"], "check-out", **geo())).status_code == 200
    confirmed = await step(client, gig.boss, taken["id"], "confirm")
    assert confirmed.status_code == 200, confirmed.text
    return str(taken["id"])


async def rate_both(client: httpx.AsyncClient, worker: dict[str, str], gig: Gig, engagement_id: str) -> None:
    for headers in (worker, gig.boss):
        rated = await client.post(
            f"/v1/engagements/{engagement_id}/ratings", json={"stars": 4}, headers=headers
        )
        assert rated.status_code == 201, rated.text


async def test_the_gig_lifecycle_works_across_months(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss, worker = token("employer", "boss"), token("seeker", "s1")
    staff = token("staff", "clerk-1", station="st-lixia")
    await upkeep(app)
    paid_gig = await gig_in(client, boss, clock, 1)  # gigs are posted at most 90 days ahead: one by one
    paid = await work_it(client, worker, paid_gig, clock)
    assert (await step(client, worker, paid, "paid")).status_code == 200
    await rate_both(client, worker, paid_gig, paid)

    await upkeep(app)
    disputed_gig = await gig_in(client, boss, clock, 1)
    disputed = await work_it(client, worker, disputed_gig, clock)
    clock.advance(timedelta(hours=25))
    assert (await step(client, worker, disputed, "not-paid")).json()["status"] == "disputed"
    [dispute] = (await client.get("/v1/disputes", headers=staff)).json()["items"]
    resolved = await client.post(
        f"/v1/disputes/{dispute['id']}/resolve", json={"resolution": "paid"}, headers=staff
    )
    assert resolved.status_code == 200, resolved.text
    await rate_both(client, worker, disputed_gig, disputed)

    await upkeep(app)
    marked_gig = await gig_in(client, boss, clock, 1)
    marked = await booked(client, worker, marked_gig.shift_id)
    clock.set(marked_gig.starts_at - timedelta(hours=2))
    assert (await step(client, worker, marked["id"], "cancel")).json()["worker_mark"] == "late_cancel"
    appealed = await client.post(
        f"/v1/engagements/{marked['id']}/appeal", json={"reason": "急病"}, headers=worker
    )
    assert appealed.status_code == 201, appealed.text
    upheld = await client.post(f"/v1/appeals/{appealed.json()['id']}/uphold", headers=staff)
    assert upheld.status_code == 200, upheld.text

    seen = {e: (await client.get(f"/v1/engagements/{e}", headers=worker)).json() for e in (paid, disputed)}
    assert [seen[e]["status"] for e in (paid, disputed)] == ["paid", "paid"]
    assert (await dependants(app, paid))["ratings"] != []
    assert len((await dependants(app, disputed))["disputes"]) == 1
    assert len((await dependants(app, marked["id"]))["appeals"]) == 1
    assert len((await dependants(app, paid))["checkin_code_failures"]) == 1
    if databases.backend() == "postgres":
        months = [partitions.month_start(g.starts_at) for g in (paid_gig, disputed_gig, marked_gig)]
        expected = [partitions.partition_name(m, ENGAGEMENTS) for m in months]
        assert [await partition_of(app, e) for e in (paid, disputed, marked["id"])] == expected


@postgres_only
async def test_an_engagement_lands_in_the_partition_of_its_shifts_month(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    made = await upkeep(app)
    gig = await gig_in(client, token("employer", "boss"), clock, 2)

    taken = await booked(client, token("seeker", "s1"), gig.shift_id)

    month = partitions.month_start(gig.starts_at)
    assert (
        partitions.partition_name(partitions.month_start(clock.now()), ENGAGEMENTS)
        in [p.name for p in await listed(app)]
        or made == []
    )
    assert await partition_of(app, taken["id"]) == partitions.partition_name(month, ENGAGEMENTS)


async def listed(app: FastAPI) -> list[partitions.Partition]:
    async with app.state.sessionmaker() as session:
        return await partitions.partitions(session, ENGAGEMENTS)


@postgres_only
async def test_a_shift_in_a_month_without_a_partition_lands_in_default_and_moves_with_its_records(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss, worker = token("employer", "boss"), token("seeker", "s1")
    clock.advance(timedelta(days=100))  # the upkeep has not run since: past the months made ahead
    gig = await gig_in(client, boss, clock, 1)
    engagement_id = await work_it(client, worker, gig, clock)
    clock.advance(timedelta(hours=25))
    await step(client, worker, engagement_id, "not-paid")
    await rate_both(client, worker, gig, engagement_id)
    before = await dependants(app, engagement_id)
    assert await partition_of(app, engagement_id) == ENGAGEMENTS.default

    made = await upkeep(app)  # the clock is now in the shift's month

    month_name = partitions.partition_name(partitions.month_start(gig.starts_at), ENGAGEMENTS)
    assert month_name in made
    assert await partition_of(app, engagement_id) == month_name
    assert await dependants(app, engagement_id) == before
    assert [len(before[t]) for t in ("disputes", "ratings", "checkin_code_failures")] == [1, 2, 1]
    shown = await client.get(f"/v1/engagements/{engagement_id}", headers=worker)
    assert (shown.status_code, shown.json()["status"]) == (200, "disputed")


async def drop_engagement_months(app: FastAPI, clock: ManualClock) -> list[str]:
    async with unit_of_work(app.state.sessionmaker) as session:
        return await partitions.drop_before(
            session, partitions.month_start(clock.now()), ENGAGEMENTS, now=clock.now(), keep_days=KEEP
        )


@postgres_only
async def test_old_engagement_months_are_dropped_only_past_the_wage_keep_period(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss, worker = token("employer", "boss"), token("seeker", "s1")
    await upkeep(app)
    gig = await gig_in(client, boss, clock, 1)
    paid = await work_it(client, worker, gig, clock)
    await step(client, worker, paid, "paid")
    await rate_both(client, worker, gig, paid)
    clock.advance(timedelta(days=40))
    await upkeep(app)

    with pytest.raises(KeptWageRecords, match="keep period"):
        await drop_engagement_months(app, clock)
    assert await partition_of(app, paid) != "None"

    clock.advance(timedelta(days=KEEP))
    await upkeep(app)
    dropped = await drop_engagement_months(app, clock)

    assert partitions.partition_name(partitions.month_start(gig.starts_at), ENGAGEMENTS) in dropped
    assert await partition_of(app, paid) == "None"
    assert await dependants(app, paid) == {t: [] for t in ENGAGEMENTS.dependants}


@postgres_only
async def test_a_month_holding_unpaid_work_is_never_dropped(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    await upkeep(app)
    gig = await gig_in(client, token("employer", "boss"), clock, 1)
    unpaid = await work_it(client, token("seeker", "s1"), gig, clock)
    clock.advance(timedelta(days=KEEP + 60))
    await upkeep(app)

    with pytest.raises(KeptWageRecords, match="not settled"):
        await drop_engagement_months(app, clock)

    async with app.state.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Engagement)) == 1
    assert await partition_of(app, unpaid) != "None"


@postgres_only
async def test_the_partitions_command_lists_engagement_months_and_refuses_a_kept_drop(
    app: FastAPI,
    client: httpx.AsyncClient,
    token: Token,
    clock: ManualClock,
    postings_settings: PostingsSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())
    await work_it(client, token("seeker", "s1"), gig, clock)  # confirmed, not paid
    monkeypatch.setenv("POSTINGS_DATABASE_URL", postings_settings.database_url)
    after = (datetime.now(UTC) + timedelta(days=120)).strftime("%Y-%m")
    get_settings.cache_clear()
    try:
        listing = await asyncio.to_thread(CliRunner().invoke, cli, ["partitions"])
        refused = await asyncio.to_thread(
            CliRunner().invoke, cli, ["partitions", "--table", "engagements", "--drop-before", after]
        )
    finally:
        get_settings.cache_clear()

    assert listing.exit_code == 0, listing.output
    assert "engagements_default\tdefault" in listing.output
    assert any(line.startswith("engagements_p") for line in listing.output.splitlines())
    assert refused.exit_code == 1
    assert "nothing dropped" in refused.output


async def test_the_migration_keeps_engagements_and_what_hangs_off_them(
    postings_settings: PostingsSettings, token: Token, clock: ManualClock
) -> None:
    url = postings_settings.database_url
    boss, worker = token("employer", "boss"), token("seeker", "s1")
    async with (
        LifespanApp(create_app(postings_settings, clock, background=False)) as app,
        client_for(app) as client,
    ):
        gig = await open_gig(client, boss, clock.now())
        worked_id = await work_it(client, worker, gig, clock)
        clock.advance(timedelta(hours=25))
        await step(client, worker, worked_id, "not-paid")
        await rate_both(client, worker, gig, worked_id)
        later = await gig_in(client, boss, clock, 1)
        booked_id = (await booked(client, worker, later.shift_id))["id"]
        before = {e: await dependants(app, e) for e in (worked_id, booked_id)}
    await asyncio.to_thread(downgrade, "postings", url, "e_merge_1")

    await asyncio.to_thread(upgrade, "postings", url)

    async with (
        LifespanApp(create_app(postings_settings, clock, background=False)) as app,
        client_for(app) as client,
    ):
        after = {e: await dependants(app, e) for e in (worked_id, booked_id)}
        shown = [
            (await client.get(f"/v1/engagements/{e}", headers=worker)).json() for e in (worked_id, booked_id)
        ]
        async with app.state.sessionmaker() as session:
            starts = set(await session.scalars(select(Rating.engagement_starts_at)))
        if databases.backend() == "postgres":
            where = [await partition_of(app, e) for e in (worked_id, booked_id)]
            async with app.state.sessionmaker() as session:
                keys = set(
                    await session.scalars(
                        text(
                            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE contype = 'f' AND confrelid = to_regclass('engagements')"
                        )
                    )
                )
    assert after == before
    assert [s["status"] for s in shown] == ["disputed", "booked"]
    assert len(starts) == 1
    if databases.backend() == "postgres":
        assert where == [
            partitions.partition_name(partitions.month_start(g.starts_at), ENGAGEMENTS) for g in (gig, later)
        ]
        assert keys == {
            "FOREIGN KEY (engagement_id, county_adcode, engagement_starts_at) "
            "REFERENCES engagements(id, county_adcode, starts_at) ON DELETE CASCADE"
        }
