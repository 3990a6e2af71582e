"""Migration e_citus_keys fills county_adcode on existing shifts, flags, ratings and wrong-code records,
and rows whose ids carry no county (made before county-carrying ids) keep working."""

import asyncio
import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from services.kit.clock import ManualClock
from services.kit.migrate import downgrade, upgrade
from services.postings import shard
from services.postings.config import PostingsSettings
from services.postings.engagements.models import CodeAttempt
from services.postings.main import create_app
from services.postings.postings.models import PostingFlag
from services.postings.ratings.models import Rating
from services.postings.shifts.models import Shift
from tests.conftest import LifespanApp, client_for
from tests.postings.lifecycle.factories import booked, geo, open_gig, step, worked

Token = Callable[..., dict[str, str]]
HOME = "370102"


async def _worked_gig(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> dict[str, str]:
    """A completed, rated engagement with a wrong code on record and a flagged gig; their ids."""
    boss, worker = token("employer", "boss"), token("seeker", "s1")
    gig = await open_gig(client, boss, clock.now())
    flagged = await client.patch(
        f"/v1/postings/{gig.posting_id}", json={"flags": ["mom_post"]}, headers=boss | {"If-Match": gig.etag}
    )
    assert flagged.status_code == 200, flagged.text
    done = await worked(client, worker, gig, clock)
    rated = await client.post(f"/v1/engagements/{done['id']}/ratings", json={"stars": 5}, headers=worker)
    assert rated.status_code == 201, rated.text
    other = await open_gig(client, boss, clock.now() + timedelta(days=1), employer_id=gig.employer_id)
    taken = await booked(client, worker, other.shift_id)
    clock.set(other.starts_at - timedelta(minutes=5))
    wrong = await step(client, worker, taken["id"], "check-in", method="code", code="000000")
    assert wrong.status_code == 422, wrong.text
    return {"posting": gig.posting_id, "engagement": done["id"], "open": taken["id"]}


async def test_the_migration_fills_the_county_of_existing_rows(
    postings_settings: PostingsSettings, token: Token, clock: ManualClock
) -> None:
    url = postings_settings.database_url
    async with (
        LifespanApp(create_app(postings_settings, clock, background=False)) as app,
        client_for(app) as client,
    ):
        ids = await _worked_gig(client, token, clock)
    await asyncio.to_thread(downgrade, "postings", url, "d_outbox_partitions")

    await asyncio.to_thread(upgrade, "postings", url)

    async with LifespanApp(create_app(postings_settings, clock, background=False)) as app:
        async with app.state.sessionmaker() as session:
            counties = {
                model.__tablename__: set(await session.scalars(select(model.county_adcode)))
                for model in (Shift, PostingFlag, Rating, CodeAttempt)
            }
        async with client_for(app) as client:
            ratings = await client.get(
                f"/v1/engagements/{ids['engagement']}/ratings", headers=token("seeker", "s1")
            )
    assert counties == {name: {HOME} for name in counties}
    assert ratings.status_code == 200
    assert len(ratings.json()) == 1


async def test_rows_with_ids_that_carry_no_county_keep_working(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ids as they were made before county-carrying ids: random UUIDv4.
    monkeypatch.setattr(shard, "new_id", lambda county: uuid.uuid4())
    boss, worker = token("employer", "boss"), token("seeker", "s1")
    gig = await open_gig(client, boss, clock.now())
    taken = await booked(client, worker, gig.shift_id)
    clock.set(gig.starts_at - timedelta(minutes=5))

    checked_in = await step(client, worker, taken["id"], "check-in", **geo())
    read = await client.get(f"/v1/engagements/{taken['id']}", headers=boss)
    shifts = await client.get(f"/v1/postings/{gig.posting_id}/shifts", headers=worker)

    assert shard.county_of(uuid.UUID(taken["id"])) is None
    assert checked_in.status_code == 200, checked_in.text
    assert read.json()["status"] == "checked_in"
    assert shifts.json()[0]["filled"] == 1
