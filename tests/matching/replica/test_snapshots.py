"""How events fold into stored snapshots: shifts by their own version, employers' reliability by time."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from services.matching.replica.client import PostingsClient
from services.matching.replica.consumer import ReplicaConsumer
from tests.matching.replica.conftest import Db, catch_up
from tests.matching.replica.feeds import (
    T0,
    ScriptedFeed,
    dead_letters,
    employer_data,
    event,
    posting_data,
    replica_employers,
    replica_postings,
    shift_data,
)

MakeClient = Callable[..., PostingsClient]
MakeConsumer = Callable[..., ReplicaConsumer]
EMPLOYER, POSTING, SHIFT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


async def _follow(events: list[dict[str, Any]], make_client: MakeClient, make_consumer: MakeConsumer) -> None:
    async with make_client(ScriptedFeed(events).transport()) as client:
        await catch_up(make_consumer(client))


def _gig(seq: int, version: int = 1, **shift: Any) -> dict[str, Any]:
    data = posting_data(
        POSTING, EMPLOYER, version=version, kind="gig", shifts=[shift_data(SHIFT, POSTING, **shift)]
    )
    return event(seq, "posting.created" if version == 1 else "posting.updated", data)


async def _shift(db: Db) -> dict[str, Any]:
    (shift,) = (await replica_postings(db))[str(POSTING)].snapshot["shifts"]
    return dict(shift)


async def test_a_booked_shift_updates_its_postings_snapshot_without_a_posting_version(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    booked = event(2, "shift.updated", shift_data(SHIFT, POSTING, version=2, filled=1))

    await _follow([_gig(1), booked], make_client, make_consumer)

    row = (await replica_postings(db))[str(POSTING)]
    assert (row.version, row.applied_seq) == (1, 2)
    assert ((await _shift(db))["filled"], (await _shift(db))["version"]) == (1, 2)


async def test_a_cancelled_shift_is_shown_cancelled(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    cancelled = event(2, "shift.cancelled", shift_data(SHIFT, POSTING, version=2, status="cancelled"))

    await _follow([_gig(1), cancelled], make_client, make_consumer)

    assert (await _shift(db))["status"] == "cancelled"


async def test_an_older_shift_version_never_undoes_a_newer_one(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    newer = event(2, "shift.updated", shift_data(SHIFT, POSTING, version=3, filled=2))
    older = event(3, "shift.updated", shift_data(SHIFT, POSTING, version=2, filled=1))

    await _follow([_gig(1), newer, older], make_client, make_consumer)

    assert ((await _shift(db))["version"], (await _shift(db))["filled"]) == (3, 2)


async def test_a_newer_posting_snapshot_keeps_a_shift_version_newer_than_its_own_copy(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    booked = event(2, "shift.updated", shift_data(SHIFT, POSTING, version=2, filled=1))
    edited = _gig(3, version=2, filled=0)

    await _follow([_gig(1), booked, edited], make_client, make_consumer)

    row = (await replica_postings(db))[str(POSTING)]
    assert row.version == 2
    assert (await _shift(db))["filled"] == 1


async def test_a_shift_event_for_a_posting_not_in_the_replica_is_skipped(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    orphan = event(1, "shift.updated", shift_data(SHIFT, uuid.uuid4(), version=2))

    await _follow([orphan], make_client, make_consumer)

    assert await replica_postings(db) == {}
    assert await dead_letters(db) == []


def _reliability(seq: int, minutes: int, paid_on_time: int) -> dict[str, Any]:
    data = {
        "employer_id": str(EMPLOYER),
        "paid_on_time": paid_on_time,
        "computed_at": (T0 + timedelta(minutes=minutes)).isoformat(),
    }
    return event(seq, "reliability.employer", data)


async def test_an_employers_reliability_is_kept_and_an_older_computation_ignored(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    created = event(1, "employer.created", employer_data(EMPLOYER))

    await _follow(
        [created, _reliability(2, minutes=10, paid_on_time=4), _reliability(3, minutes=5, paid_on_time=1)],
        make_client,
        make_consumer,
    )

    row = (await replica_employers(db))[str(EMPLOYER)]
    assert row.reliability is not None
    assert row.reliability["paid_on_time"] == 4


async def test_an_employer_update_with_a_lower_version_is_ignored(
    make_client: MakeClient, make_consumer: MakeConsumer, db: Db
) -> None:
    verified = event(1, "employer.verified", employer_data(EMPLOYER, version=3, verified=True))
    stale = event(2, "employer.updated", employer_data(EMPLOYER, version=2, verified=False))

    await _follow([verified, stale], make_client, make_consumer)

    row = (await replica_employers(db))[str(EMPLOYER)]
    assert (row.verified, row.version) == (True, 3)
