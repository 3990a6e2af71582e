"""Applications and engagements from the real feed land in the outcome tables; placements open once."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy import select

from services.kit.clock import ManualClock, as_utc
from services.matching.outcomes.hooks import OutcomeHooks, Signal
from services.matching.outcomes.models import OutcomeApplication, OutcomeEngagement, Placement
from services.matching.replica.client import PostingsClient
from services.matching.replica.consumer import ReplicaConsumer
from tests.matching.outcomes.flows import accept, paid_gig, refer_to_job
from tests.matching.replica.conftest import Db, Token, catch_up
from tests.matching.replica.feeds import ScriptedFeed, event
from tests.postings.lifecycle.conftest import registered

MakeConsumer = Callable[..., ReplicaConsumer]


async def _rows(db: Db, model: type) -> list:  # type: ignore[type-arg]
    async with db() as session:
        return list((await session.scalars(select(model))).all())


async def test_a_referred_accepted_application_is_stored_with_its_station_and_signals_referral_and_placement(
    postings,
    reach: httpx.AsyncClient,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    token: Token,
    db: Db,
) -> None:
    boss = token("employer", "boss")
    staff = token("staff", "clerk-7", station="st-lixia")
    await registered(reach, staff, "s-wang")
    applied = await refer_to_job(postings, boss, staff, "s-wang")
    await accept(postings, boss, applied["id"])
    heard: list[Signal] = []

    async def handler(session: object, signals: list[Signal], now: object) -> None:
        heard.extend(signals)

    hooks = OutcomeHooks()
    hooks.subscribe(handler)  # type: ignore[arg-type]
    await catch_up(make_consumer(feed_client, hooks=hooks))

    [row] = await _rows(db, OutcomeApplication)
    assert (row.status, row.source, row.station_id, row.referred_by) == (
        "accepted",
        "station",
        "st-lixia",
        "clerk-7",
    )
    assert (row.county_adcode, row.occupation_code, row.version) == ("370102", "6-18-02-04", 2)
    assert row.accepted_at is not None
    [placement] = await _rows(db, Placement)
    assert (placement.seeker_id, placement.kind, placement.ends_at) == ("s-wang", "job", None)
    assert [(s.kind, s.seeker_id, s.placement_kind, s.by) for s in heard] == [
        ("referred", "s-wang", "job", "clerk-7"),
        ("placed", "s-wang", "job", None),
    ]


async def test_a_paid_gig_engagement_is_stored_with_its_amount_and_places_the_worker_for_a_while(
    postings,
    feed_client: PostingsClient,
    make_consumer: MakeConsumer,
    token: Token,
    db: Db,
    clock: ManualClock,
) -> None:
    paid = await paid_gig(postings, token("employer", "boss"), token("seeker", "s-li"), clock)

    await catch_up(make_consumer(feed_client, hooks=OutcomeHooks()))

    [row] = await _rows(db, OutcomeEngagement)
    assert (row.status, row.amount, row.seeker_id) == ("paid", Decimal("100.00"), "s-li")
    assert row.paid_at is not None
    assert row.completed_at is not None
    [placement] = await _rows(db, Placement)
    assert placement.kind == "gig"
    assert as_utc(placement.ends_at) == as_utc(row.ends_at) + timedelta(days=30)
    assert str(placement.engagement_id) == paid["id"]


def _application(app_id: uuid.UUID, version: int, status: str) -> dict[str, object]:
    return {
        "id": str(app_id),
        "posting_id": str(uuid.uuid4()),
        "shift_id": None,
        "employer_id": str(uuid.uuid4()),
        "county_adcode": "370102",
        "seeker_id": "s1",
        "status": status,
        "source": "self",
        "version": version,
        "decided_at": "2026-11-23T03:00:00+00:00" if status != "applied" else None,
        "created_at": "2026-11-23T02:00:00+00:00",
        "updated_at": "2026-11-23T03:00:00+00:00",
    }


async def test_an_older_application_snapshot_after_a_newer_one_changes_nothing(
    make_client: Callable[..., PostingsClient], make_consumer: MakeConsumer, db: Db
) -> None:
    app_id = uuid.uuid4()
    feed = ScriptedFeed(
        [
            event(1, "application.accepted", _application(app_id, 2, "accepted")),
            event(2, "application.created", _application(app_id, 1, "applied")),
            event(3, "application.accepted", _application(app_id, 2, "accepted")),
        ]
    )
    async with make_client(feed.transport()) as client:
        await catch_up(make_consumer(client, hooks=OutcomeHooks()))

    [row] = await _rows(db, OutcomeApplication)
    assert (row.status, row.version, row.applied_seq) == ("accepted", 2, 1)
    assert len(await _rows(db, Placement)) == 1
