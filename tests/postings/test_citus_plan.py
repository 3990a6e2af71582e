"""Every statement the postings service issues carries the Citus distribution key, touches reference or
local tables only, or is a deliberate multi-shard statement on the allow-list (docs/postgresql.md)."""

import os
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.postings.config import LifecycleSettings, PostingsSettings
from services.postings.engagements.models import Engagement
from services.postings.models import Base
from services.postings.shard import county_of
from tests import citus_judge
from tests.postings import citus_plan
from tests.postings.factories import create_employer, create_posting, job_body, publish
from tests.postings.imports.test_import_api import jsonl, record
from tests.postings.lifecycle.factories import booked, geo, open_gig, open_job, step

Token = Callable[..., dict[str, str]]
HOME, OTHER = "370102", "370202"  # 历下区 (the factories' site), 市南区
QINGDAO = {"lat": 36.0671, "lng": 120.3826, "county_adcode": OTHER}


@pytest.fixture
async def postings_settings(
    make_database: Callable[[str], Awaitable[str]], auth_settings: AuthSettings
) -> PostingsSettings:
    stations = {"st-lixia": HOME, "st-shinan": OTHER}
    return PostingsSettings(
        database_url=await make_database("postings"),
        auth=auth_settings,
        lifecycle=LifecycleSettings(station_counties=stations),
    )


async def _ok(response: Awaitable[httpx.Response], status: int = 200) -> Any:
    answer = await response
    assert answer.status_code == status, answer.text
    return answer.json()


async def _jobs(client: httpx.AsyncClient, token: Token) -> None:
    """Publish, list by county, read by id, edit, apply, decide, withdraw."""
    boss = token("employer", "boss")
    job = await open_job(client, boss)
    employer = await create_employer(client, boss, name="青岛海港物流有限公司", county_adcode=OTHER)
    draft, etag = await create_posting(client, boss, job_body(employer["id"], location=QINGDAO))
    await _ok(publish(client, boss, draft["id"], etag))
    seeker, other = token("seeker", "s1"), token("seeker", "s2")
    await _ok(client.get("/v1/postings", params={"county_adcode": HOME}, headers=seeker))
    read = await client.get(f"/v1/postings/{job['id']}", headers=seeker)
    await _ok(
        client.patch(
            f"/v1/postings/{job['id']}",
            json={"headcount": 5},
            headers=boss | {"If-Match": read.headers["ETag"]},
        )
    )
    applied = await _ok(client.post(f"/v1/postings/{job['id']}/applications", json={}, headers=seeker), 201)
    second = await _ok(client.post(f"/v1/postings/{job['id']}/applications", json={}, headers=other), 201)
    await _ok(client.get(f"/v1/postings/{job['id']}/applications", headers=boss))
    await _ok(client.get(f"/v1/applications/{applied['id']}", headers=seeker))
    await _ok(client.post(f"/v1/applications/{applied['id']}/accept", json={}, headers=boss))
    await _ok(client.post(f"/v1/applications/{second['id']}/withdraw", json={}, headers=other))


async def _gig_day(client: httpx.AsyncClient, token: Token, clock: ManualClock, app: FastAPI) -> None:
    """Book, request on a review shift, check in by code and by place, out, confirm, pay, rate, dispute."""
    boss, worker, late = token("employer", "boss"), token("seeker", "w1"), token("seeker", "w2")
    staff = token("staff", "clerk", station="st-lixia")
    gig = await open_gig(client, boss, clock.now(), headcount=3, starts_in=timedelta(hours=30))
    review = await open_gig(client, boss, clock.now(), booking="review", employer_id=gig.employer_id)
    await _ok(client.get(f"/v1/postings/{gig.posting_id}/shifts", headers=worker))
    asked = await _ok(client.post(f"/v1/shifts/{review.shift_id}/bookings", json={}, headers=late), 202)
    await _ok(client.post(f"/v1/applications/{asked['application']['id']}/accept", json={}, headers=boss))
    first = await booked(client, worker, gig.shift_id)
    second = await booked(client, late, gig.shift_id)
    third = await booked(client, token("seeker", "w3"), gig.shift_id)
    await _ok(client.get(f"/v1/shifts/{gig.shift_id}/engagements", headers=boss))
    await _ok(step(client, token("seeker", "w3"), third["id"], "cancel"))
    await app.state.deadlines.run_once()
    clock.set(gig.starts_at - timedelta(minutes=10))
    await app.state.deadlines.run_once()
    code = (await _ok(client.get(f"/v1/shifts/{gig.shift_id}/checkin-code", headers=boss)))["code"]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert (await step(client, late, second["id"], "check-in", method="code", code=wrong)).status_code == 422
    await _ok(step(client, late, second["id"], "check-in", method="code", code=code))
    await _ok(step(client, worker, first["id"], "check-in", **geo()))
    clock.set(gig.starts_at + timedelta(hours=4))
    await _ok(step(client, worker, first["id"], "check-out", **geo()))
    await _ok(step(client, late, second["id"], "check-out", **geo()))
    await _ok(step(client, boss, first["id"], "confirm"))
    await _ok(step(client, boss, second["id"], "confirm"))
    await _ok(step(client, worker, first["id"], "paid"))
    await _ok(client.post(f"/v1/engagements/{first['id']}/ratings", json={"stars": 5}, headers=worker), 201)
    await _ok(client.post(f"/v1/engagements/{first['id']}/ratings", json={"stars": 4}, headers=boss), 201)
    await _ok(client.get(f"/v1/engagements/{first['id']}/ratings", headers=worker))
    clock.advance(timedelta(days=8))
    await app.state.deadlines.run_once()
    await _ok(step(client, late, second["id"], "not-paid"))
    dispute = (await _ok(client.get("/v1/disputes", headers=staff)))["items"][0]
    await _ok(client.get(f"/v1/disputes/{dispute['id']}", headers=late))
    await _ok(
        client.post(f"/v1/disputes/{dispute['id']}/resolve", json={"resolution": "paid"}, headers=staff)
    )
    await _ok(client.get(f"/v1/engagements/{second['id']}", headers=late))
    await _ok(client.get("/v1/engagements", headers=worker))
    await _ok(client.get(f"/v1/employers/{gig.employer_id}/reliability", headers=worker))
    await _ok(client.get("/v1/workers/w1/reliability", headers=worker))  # staff would ask matching first
    await app.state.notifications.run_once()


async def _late_cancel_and_appeal(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> None:
    worker, staff = token("seeker", "a1"), token("staff", "clerk", station="st-lixia")
    gig = await open_gig(client, token("employer", "boss2"), clock.now(), starts_in=timedelta(hours=5))
    taken = await booked(client, worker, gig.shift_id)
    await _ok(step(client, worker, taken["id"], "cancel", reason="孩子发烧"))
    appeal = await _ok(
        client.post(f"/v1/engagements/{taken['id']}/appeal", json={"reason": "有病历"}, headers=worker), 201
    )
    await _ok(client.get("/v1/appeals", params={"status": "pending"}, headers=staff))
    await _ok(client.get(f"/v1/appeals/{appeal['id']}", headers=worker))
    await _ok(client.post(f"/v1/appeals/{appeal['id']}/uphold", json={"note": "已核实"}, headers=staff))


async def _import(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> None:
    """A partner's file: two new postings; the same file again (unchanged); one row edited (updated)."""
    staff = token("staff", "clerk", station="st-lixia")
    params = {"source": "partner", "filename": "batch.jsonl"}
    headers = staff | {"Content-Type": "application/x-ndjson"}
    first = [record("P-1", clock.now()), record("P-2", clock.now(), title="整经工")]
    edited = [first[0] | {"headcount": 6}, first[1]]
    for rows, outcome in ((first, "created"), (first, "unchanged"), (edited, "updated")):
        answer = await _ok(client.post("/v1/imports", params=params, content=jsonl(*rows), headers=headers))
        assert answer["summary"][outcome] >= 1, answer


async def _workload(client: httpx.AsyncClient, token: Token, clock: ManualClock, app: FastAPI) -> None:
    await _jobs(client, token)
    await _import(client, token, clock)
    await _late_cancel_and_appeal(client, token, clock)
    await _gig_day(client, token, clock, app)
    await _ok(client.get("/v1/feed", params={"after": 0}, headers=token("service", "matching")))
    await app.state.expiry.run_once()


def _report(offenders: list[citus_plan.Verdict]) -> str:
    seen: dict[str, citus_plan.Verdict] = {v.fingerprint: v for v in offenders}
    return "\n".join(f"{f} ({', '.join(v.unpinned)}): {v.shape}" for f, v in sorted(seen.items()))


async def test_every_statement_of_the_workload_carries_the_key_or_is_a_listed_multi_shard_one(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    recorder = citus_judge.Recorder(app, citus_plan.PLAN)

    await _workload(client, token, clock, app)

    verdicts = recorder.verdicts()
    if target := os.environ.get("CITUS_PLAN_REPORT"):
        Path(target).write_text(citus_plan.report(verdicts, recorder.dialect), encoding="utf-8")
    offenders = [v for v in verdicts if v.kind == "fan-out" and v.fingerprint not in citus_plan.ALLOWED]
    assert not offenders, "statements that would fan out to every shard:\n" + _report(offenders)
    assert sum(v.kind == "pinned" for v in verdicts) > 100


async def test_a_new_posting_and_its_shift_carry_their_county_in_their_ids(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    employer = await create_employer(client, boss, county_adcode=OTHER)
    gig = await open_gig(client, boss, clock.now(), employer_id=employer["id"])
    job, _ = await create_posting(client, boss, job_body(employer["id"], location=QINGDAO))

    assert county_of(uuid.UUID(gig.posting_id)) == county_of(uuid.UUID(gig.shift_id)) == HOME
    assert county_of(uuid.UUID(job["id"])) == OTHER


def test_a_by_id_read_without_its_county_is_caught() -> None:
    verdict = citus_plan.judge("SELECT engagements.id FROM engagements WHERE engagements.id = ?", "sqlite")

    assert (verdict.kind, verdict.unpinned) == ("fan-out", ("engagements",))
    assert verdict.fingerprint not in citus_plan.ALLOWED


def test_a_join_on_the_key_pins_every_co_located_table() -> None:
    sql = (
        "SELECT shifts.id, postings.id FROM shifts JOIN postings ON postings.id = shifts.posting_id "
        "AND postings.county_adcode = shifts.county_adcode WHERE shifts.id = $1::UUID "
        "AND shifts.county_adcode = $2::VARCHAR FOR SHARE OF postings"
    )

    assert citus_plan.judge(sql, "postgres").kind == "pinned"


def test_a_join_without_the_key_leaves_the_other_table_unpinned() -> None:
    sql = (
        "SELECT shifts.id FROM shifts JOIN postings ON postings.id = shifts.posting_id "
        "WHERE shifts.id = ? AND shifts.county_adcode = ?"
    )

    assert citus_plan.judge(sql, "sqlite").unpinned == ("postings",)


def test_a_key_under_or_pins_nothing() -> None:
    sql = "SELECT postings.id FROM postings WHERE postings.county_adcode = ? OR postings.status = ?"

    assert citus_plan.judge(sql, "sqlite").kind == "fan-out"


def test_reference_and_local_tables_pass_without_the_key() -> None:
    employers = citus_plan.judge("SELECT employers.id FROM employers WHERE employers.owner_sub = ?", "sqlite")
    outbox = citus_plan.judge("SELECT outbox.seq FROM outbox WHERE outbox.seq > $1::BIGINT", "postgres")

    assert (employers.kind, outbox.kind) == ("reference", "local")


def test_the_shape_is_the_same_on_both_backends() -> None:
    on_pg = citus_plan.judge(
        "SELECT disputes.id FROM disputes WHERE disputes.status IN ($1::VARCHAR, $2::VARCHAR) "
        "LIMIT $3::INTEGER FOR UPDATE",
        "postgres",
    )
    on_sqlite = citus_plan.judge(
        "SELECT disputes.id FROM disputes WHERE disputes.status IN (?) LIMIT ?", "sqlite"
    )

    assert on_pg.fingerprint == on_sqlite.fingerprint


async def test_a_fanning_out_statement_sent_through_the_app_is_caught(app: FastAPI) -> None:
    recorder = citus_judge.Recorder(app, citus_plan.PLAN)

    async with app.state.sessionmaker() as session:
        await session.scalars(select(Engagement).where(Engagement.station_id == "st-lixia"))

    offenders = [
        v for v in recorder.verdicts() if v.kind == "fan-out" and v.fingerprint not in citus_plan.ALLOWED
    ]
    assert [v.unpinned for v in offenders] == [("engagements",)]


def test_a_one_row_tuple_in_pins_and_a_longer_one_does_not() -> None:
    one = "SELECT shifts.id FROM shifts WHERE (shifts.posting_id, shifts.county_adcode) IN (VALUES (?, ?))"
    two = "SELECT shifts.id FROM shifts WHERE (shifts.posting_id, shifts.county_adcode) IN ((?, ?), (?, ?))"

    assert (citus_plan.judge(one, "sqlite").kind, citus_plan.judge(two, "sqlite").kind) == (
        "pinned",
        "fan-out",
    )


def test_every_table_of_the_postings_schema_has_a_place_in_the_plan() -> None:
    placed = citus_plan.DISTRIBUTED | citus_plan.REFERENCE | citus_plan.LOCAL

    assert set(Base.metadata.tables) - placed == set()
