"""Every statement the matching service issues carries the Citus distribution key (the seeker's id),
touches reference or local tables only, or is a deliberate multi-shard statement on the allow-list
(docs/postgresql.md, "Citus: the plan")."""

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from services.kit.auth import mint_token
from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.impressions.dataset import labelled
from services.matching.keyring.rotation import rotate
from services.matching.main import create_app as create_matching
from services.matching.models import Base
from services.matching.outcomes.hooks import outcome_hooks
from services.matching.referrals.config import ReferralSettings
from services.matching.replica.client import PostingsClient, token_source
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.consumer import ReplicaConsumer
from services.matching.replica.listeners import replica_listeners
from services.matching.seekers.models import SeekerConsent
from services.matching.serving.engine import MatchingEngine
from services.matching.statistics.config import StatisticsSettings
from tests import citus_judge
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.matching import citus_plan
from tests.matching.console.conftest import demo_login, register_walk_in
from tests.matching.keyring.conftest import ring
from tests.matching.seekers.conftest import id_number, seeker_body, staff_consent
from tests.postings.factories import create_employer, create_posting, gig_body, job_body, publish

Token = Callable[..., dict[str, str]]
Headers = dict[str, str]
HOME = "370102"  # 历下区, where the postings factories' jobs are
LIXIA = {"lat": 36.6665, "lng": 117.0764, "county_adcode": HOME, "address": "历下区某街道"}
STATION = "st-lixia"
CONSENT = {"method": "in_person_signed", "agreed_at": "2026-11-23T09:30:00+08:00"}


@pytest.fixture
async def app(
    matching_settings: MatchingSettings, clock: ManualClock, postings_app: FastAPI
) -> AsyncIterator[FastAPI]:
    """The matching app writing to the real postings app; the test drives its feed and its statistics."""
    made = create_matching(matching_settings, clock, background=False)  # the workload runs each sweep
    made.state.replica_settings = ReplicaSettings(enabled=False)
    made.state.referral_settings = ReferralSettings(max_attempts=2, backoff_seconds=0)
    made.state.postings_transport = httpx.ASGITransport(app=postings_app)
    made.state.statistics_settings = StatisticsSettings()
    await ask_matching(postings_app, made)
    async with LifespanApp(made) as running:
        engine: MatchingEngine = running.state.matching_engine
        await engine.wait_ready(10)
        yield running


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


@pytest.fixture
async def postings(postings_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(postings_app) as c:
        yield c


@pytest.fixture
def staff(auth_settings: AuthSettings) -> Headers:
    token = mint_token(auth_settings, "staff", "clerk-7", station_id=STATION, extra={"county_adcode": HOME})
    return {"Authorization": f"Bearer {token}"}


class Feed:
    """The matching app following the postings feed, one catch-up at a time, as its consumer does."""

    def __init__(self, app: FastAPI, postings_app: FastAPI, auth: AuthSettings, clock: ManualClock) -> None:
        settings = ReplicaSettings(page_size=100, poll_wait_seconds=0)
        self.client = PostingsClient(
            "http://postings.test",
            token_source(auth, settings),
            settings,
            transport=httpx.ASGITransport(app=postings_app),
        )
        self.consumer = ReplicaConsumer(
            self.client,
            app.state.sessionmaker,
            clock,
            settings,
            replica_listeners(app),
            hooks=outcome_hooks(app),
        )

    async def catch_up(self) -> None:
        while await self.consumer.step(wait=0) is not None:
            pass


async def _ok(response: Awaitable[httpx.Response], status: int = 200) -> Any:
    answer = await response
    assert answer.status_code == status, answer.text
    return answer.json() if answer.content else None


async def _seekers(client: httpx.AsyncClient, token: Token, staff: Headers) -> None:
    """A seeker registers, edits, consents, records sensitive data; staff register a walk-in, search,
    read, look up, read the contact and the audit."""
    me = token("seeker", "s-a")
    body = seeker_body(seeker_id="s-a", home=LIXIA)
    await _ok(client.post("/v1/seekers", json=body, headers=me), 201)
    read = await client.get("/v1/seekers/me", headers=me)
    await _ok(
        client.patch(
            "/v1/seekers/s-a",
            json={"max_commute_minutes": 45},
            headers=me | {"If-Match": read.headers["ETag"]},
        )
    )
    consent = {"purposes": ["sensitive_for_priority_help"], "method": "app"}
    await _ok(client.post("/v1/seekers/s-a/consents", json=consent, headers=me), 201)
    await _ok(
        client.put("/v1/seekers/s-a/sensitive", json={"veteran": True, "id_number": id_number()}, headers=me),
        201,
    )
    await _ok(client.get("/v1/seekers/s-a/consents", headers=me))
    walk_in = seeker_body(seeker_id="s-b", home=LIXIA, consent=staff_consent("matching"), phone="13912345678")
    await _ok(client.post("/v1/seekers", json=walk_in, headers=staff), 201)
    await _ok(client.get("/v1/seekers", headers=staff))
    await _ok(client.get("/v1/seekers", params={"q": "焊工"}, headers=staff))
    await _ok(client.get("/v1/seekers/s-a", headers=staff))
    await _ok(client.post("/v1/seekers/lookup", json={"phone": "13912345678"}, headers=staff))
    await _ok(client.post("/v1/seekers/lookup", json={"id_number": id_number()}, headers=staff))
    await _ok(client.get("/v1/seekers/s-b/contact", headers=staff))
    await _ok(client.get("/v1/seekers/s-a/audit", headers=me))


async def _postings(postings: httpx.AsyncClient, token: Token, clock: ManualClock) -> tuple[str, str]:
    """An employer publishes a job and a gig in 历下区; (job id, the gig's shift id)."""
    owner = token("employer", "boss")
    employer = await create_employer(postings, owner)
    draft, etag = await create_posting(postings, owner, job_body(employer["id"]))
    assert (await publish(postings, owner, draft["id"], etag)).status_code == 200
    start = clock.now() + timedelta(days=2)
    shifts = [
        {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat(), "headcount": 3}
    ]
    gig, gig_etag = await create_posting(
        postings, owner, gig_body(employer["id"], clock.now(), shifts=shifts)
    )
    assert (await publish(postings, owner, gig["id"], gig_etag)).status_code == 200
    read = await postings.get(f"/v1/postings/{gig['id']}", headers=owner)
    return str(draft["id"]), str(read.json()["shifts"][0]["id"])


async def _matching(client: httpx.AsyncClient, token: Token, staff: Headers, job: str) -> None:
    """Matches and an explanation; the employer's candidates; staff pin a posting and revoke it."""
    me = token("seeker", "s-a")
    await _ok(client.get("/v1/seekers/s-a/matches", headers=me))
    await _ok(client.get("/v1/matches/explain", params={"seeker_id": "s-a", "posting_id": job}, headers=me))
    await _ok(client.get(f"/v1/postings/{job}/candidates", headers=token("employer", "boss")))
    pin = {"posting_id": job, "action": "pin", "reason": "本人要求"}
    made = await _ok(client.post("/v1/seekers/s-b/overrides", json=pin, headers=staff), 201)
    await _ok(client.get("/v1/seekers/s-b/overrides", headers=staff))
    await _ok(client.get("/v1/seekers/s-b/matches", headers=staff))
    await _ok(client.delete(f"/v1/seekers/s-b/overrides/{made['id']}", headers=staff), 204)


async def _referrals(
    client: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    feed: Feed,
    job: str,
    shift: str,
) -> None:
    """Staff refer the walk-in to the job and book them on the gig; the employer accepts; the feed brings
    the outcomes; staff read the placements and end one."""
    applied = await _ok(
        client.post("/v1/seekers/s-b/referrals", json={"posting_id": job}, headers=staff), 201
    )
    await _ok(client.post("/v1/seekers/s-b/referrals", json={"shift_id": shift}, headers=staff), 201)
    await _ok(client.get("/v1/seekers/s-b/referrals", headers=staff))
    accept = f"/v1/applications/{applied['application_id']}/accept"
    await _ok(postings.post(accept, headers=token("employer", "boss")))
    await feed.catch_up()
    placements = await _ok(client.get("/v1/seekers/s-b/placements", headers=staff))
    ended = {"reason": "quit", "ended_at": placements[0]["placed_at"]}
    await _ok(client.post(f"/v1/placements/{placements[0]['id']}/end", json=ended, headers=staff))


async def _cases_and_households(client: httpx.AsyncClient, token: Token, staff: Headers) -> None:
    body = {
        "seeker_id": "s-a",
        "group": "veteran",
        "evidence": {"type": "退役军人证", "number": "37010219750601104X42"},
        "caseworker_sub": "clerk-7",
        "caseworker_name": "李老师",
        "goal": "三个月内在家附近找到工作",
    }
    case = await _ok(client.post("/v1/cases", json=body, headers=staff), 201)
    url = f"/v1/cases/{case['id']}"
    await _ok(client.post(f"{url}/certify", headers=staff))
    await _ok(
        client.post(f"{url}/actions", json={"kind": "training", "due_on": "2026-12-20"}, headers=staff), 201
    )
    await _ok(client.get("/v1/cases", headers=staff))
    await _ok(client.get(url, headers=staff))
    await _ok(client.get("/v1/seekers/s-a/case", headers=token("seeker", "s-a")))
    made = await _ok(client.post("/v1/households", json={"county_adcode": HOME}, headers=staff), 201)
    member = {"seeker_id": "s-a", "consent": CONSENT}
    await _ok(client.post(f"/v1/households/{made['id']}/members", json=member, headers=staff), 201)
    await _ok(client.get(f"/v1/households/{made['id']}", headers=staff))
    await _ok(client.get("/v1/households", headers=staff))
    await _ok(client.get("/v1/households/alerts", headers=staff))


async def _statistics_and_dispatch(client: httpx.AsyncClient, app: FastAPI, staff: Headers) -> None:
    await app.state.statistics_task.run_once()
    await _ok(client.get("/v1/statistics/supply-demand", headers=staff))
    await _ok(client.get("/v1/statistics/shortages", headers=staff))
    await _ok(client.get("/v1/alerts", headers=staff))
    await _ok(client.get("/v1/statistics/outcomes", headers=staff))
    await _ok(client.post("/v1/dispatch/checkins", json={"seeker_id": "s-a"}, headers=staff), 201)
    await _ok(client.get("/v1/dispatch/checkins", headers=staff))
    await _ok(client.get("/v1/dispatch/board", headers=staff))
    plan = await _ok(client.post("/v1/dispatch/plans", headers=staff), 201)
    await _ok(client.get(f"/v1/dispatch/plans/{plan['id']}", headers=staff))


async def _workload(
    client: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    app: FastAPI,
    feed: Feed,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    await _seekers(client, token, staff)
    job, shift = await _postings(postings, token, clock)
    await feed.catch_up()
    await _matching(client, token, staff, job)
    await _referrals(client, postings, token, staff, feed, job, shift)
    await _cases_and_households(client, token, staff)
    await _statistics_and_dispatch(client, app, staff)
    await _ok(client.get("/v1/seekers/s-a/export", headers=token("seeker", "s-a")))
    await _ok(client.get("/v1/matching/status", headers=staff))
    await _ok(client.get("/v1/replica/status", headers=staff))
    await _console(app, job)
    await _ok(client.delete("/v1/seekers/s-b", headers=token("seeker", "s-b")), 204)  # an erasure
    await _sweeps(app)
    await _operators_jobs(app, clock)


async def _console(app: FastAPI, job: str) -> None:
    """The station console's pages, as a browser at the counter uses them: sign in, register a walk-in in
    three screens, then every page a clerk opens for them and for the station."""
    async with client_for(app) as browser:
        browser.follow_redirects = False
        await demo_login(browser)
        seeker = await register_walk_in(browser)
        pages = [
            "/console/",
            "/console/seekers",
            "/console/seekers?q=电焊工",
            f"/console/seekers/{seeker}",
            f"/console/seekers/{seeker}/consent-slip",
            f"/console/seekers/{seeker}/sensitive",
            f"/console/seekers/{seeker}/export",
            f"/console/seekers/{seeker}/slip?p={job}",
            f"/console/postings/{job}/poster",
            "/console/cases",
            "/console/dispatch",
            "/console/statistics",
            "/console/statistics/download?table=supply-demand",
        ]
        statuses = {path: (await browser.get(path)).status_code for path in pages}
    assert statuses == dict.fromkeys(pages, 200)


async def _sweeps(app: FastAPI) -> None:
    """One round of each background sweep (the app runs none on its own here, so the statements judged
    do not depend on a timer): shown matches written, lapsed placements, zero-employment alerts,
    retention notices and erasure, the erasure passed on to postings, the statistics."""
    state = app.state
    for sweep in (
        state.impression_writer,
        state.outcomes_sweeper,
        state.households_alerter,
        state.privacy_sweeper,
        state.erasure_courier,
        state.statistics_task,
    ):
        await sweep.run_once()


async def _operators_jobs(app: FastAPI, clock: ManualClock) -> None:
    """What an operator runs beside the service on its database: the learning-to-rank dataset
    (`lingong ltr dataset`) and a data-key rotation (`lingong keys rotate`), which has values to rewrite."""
    async with app.state.sessionmaker() as session:
        assert await labelled(session, clock.now() - timedelta(days=30), timedelta(days=30))
    progress = await rotate(app.state.sessionmaker, ring(), batch_size=2)
    assert progress.rewritten > 0


async def test_every_statement_of_the_workload_carries_the_key_or_is_a_listed_multi_shard_one(
    app: FastAPI,
    postings_app: FastAPI,
    client: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    clock: ManualClock,
    auth_settings: AuthSettings,
) -> None:
    feed = Feed(app, postings_app, auth_settings, clock)
    recorder = citus_judge.Recorder(app, citus_plan.PLAN)

    await _workload(client, postings, app, feed, token, staff, clock)
    await feed.client.aclose()

    verdicts = recorder.verdicts()
    if target := os.environ.get("CITUS_PLAN_REPORT"):
        Path(target).write_text(citus_plan.PLAN.report(verdicts, recorder.dialect), encoding="utf-8")
    offenders = citus_judge.offenders(citus_plan.PLAN, verdicts)
    assert not offenders, "statements that would fan out to every shard:\n" + citus_judge.describe(offenders)
    assert sum(v.kind == "pinned" for v in verdicts) > 50


def test_every_table_of_the_matching_schema_has_a_place_in_the_plan() -> None:
    placed = set(citus_plan.DISTRIBUTED) | citus_plan.REFERENCE | citus_plan.LOCAL

    assert set(Base.metadata.tables) - placed == set()


def test_a_by_id_read_of_a_seeker_owned_row_without_the_seeker_is_caught() -> None:
    verdict = citus_plan.judge("SELECT referrals.id FROM referrals WHERE referrals.id = ?", "sqlite")

    assert (verdict.kind, verdict.unpinned) == ("fan-out", ("referrals",))
    assert verdict.fingerprint not in citus_plan.ALLOWED


def test_an_update_moving_a_seekers_rows_to_another_seeker_id_is_refused_whatever_its_where() -> None:
    verdict = citus_plan.judge("UPDATE referrals SET seeker_id = ? WHERE referrals.seeker_id = ?", "sqlite")

    assert (verdict.kind, verdict.unpinned) == ("refused", ("referrals",))
    assert citus_judge.offenders(citus_plan.PLAN, [verdict]) == [verdict]


def test_an_update_of_other_columns_of_a_seekers_rows_is_pinned() -> None:
    verdict = citus_plan.judge("UPDATE referrals SET outcome = ? WHERE referrals.seeker_id = ?", "sqlite")

    assert verdict.kind == "pinned"


def test_a_seeker_is_pinned_by_their_id_and_their_rows_by_seeker_id() -> None:
    own = citus_plan.judge("SELECT seekers.id FROM seekers WHERE seekers.id = $1::VARCHAR", "postgres")
    joined = citus_plan.judge(
        "SELECT seekers.id FROM seekers JOIN seeker_consents ON seeker_consents.seeker_id = seekers.id "
        "WHERE seekers.id = ?",
        "sqlite",
    )

    assert (own.kind, joined.kind) == ("pinned", "pinned")


def test_a_county_predicate_pins_nothing_in_a_plan_keyed_by_seeker() -> None:
    sql = "SELECT outcome_placements.id FROM outcome_placements WHERE outcome_placements.county_adcode = ?"

    assert citus_plan.judge(sql, "sqlite").unpinned == ("outcome_placements",)


def test_the_grants_subquery_of_a_by_id_read_must_name_the_seeker_too() -> None:
    read = (
        "SELECT seekers.id FROM seekers WHERE seekers.id = ? AND (seekers.id IN (SELECT "
        "seeker_access_grants.seeker_id FROM seeker_access_grants WHERE seeker_access_grants.station_id = ?"
        "{}) OR seekers.county_adcode = ?)"
    )

    without = citus_plan.judge(read.format(""), "sqlite")
    named = citus_plan.judge(read.format(" AND seeker_access_grants.seeker_id IN (?)"), "sqlite")

    assert (without.unpinned, named.kind) == (("seeker_access_grants",), "pinned")


async def test_a_by_id_read_of_a_staff_reached_seeker_sent_through_the_app_is_pinned(
    app: FastAPI, client: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await _ok(
        client.post(
            "/v1/seekers", json=seeker_body(seeker_id="s-a", home=LIXIA), headers=token("seeker", "s-a")
        ),
        201,
    )
    recorder = citus_judge.Recorder(app, citus_plan.PLAN)

    await _ok(client.get("/v1/seekers/s-a", headers=staff))
    async with app.state.sessionmaker() as session:
        await session.scalars(select(SeekerConsent).where(SeekerConsent.purpose == "matching"))

    offenders = citus_judge.offenders(citus_plan.PLAN, recorder.verdicts())
    assert [v.unpinned for v in offenders] == [("seeker_consents",)]
