"""Retention: inactive profiles get a dated notice, are erased after it unless the seeker comes back, and
old audit rows go. Time moves only by the test's clock; the sweep is the one the lifespan runs."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import ManualClock
from services.matching.privacy.retention import SweepReport
from services.matching.seekers import service
from tests.matching.privacy.conftest import COUNTY, Headers, Token, register_full
from tests.matching.seekers.conftest import register

Sweep = Callable[[], Awaitable[SweepReport]]
YEAR = timedelta(days=366)  # past the fixture's inactive_days=365
NOTICE = timedelta(days=31)  # past its notice_days=30


async def notices(client: httpx.AsyncClient, seeker_id: str, headers: Headers) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/seekers/{seeker_id}/notices", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_a_profile_inactive_past_the_limit_gets_a_dated_notice(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    fixed_clock.advance(YEAR)

    report = await sweep()
    found = await notices(matching, "seeker-1", me)

    assert report.notified == 1
    assert [(n["status"], n["kind"]) for n in found] == [("pending", "inactivity")]
    assert found[0]["erase_after"].startswith((fixed_clock.now() + timedelta(days=30)).date().isoformat())


async def test_a_recently_active_profile_gets_no_notice(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    fixed_clock.advance(timedelta(days=300))

    report = await sweep()

    assert report.notified == 0
    assert await notices(matching, "seeker-1", me) == []


async def test_a_second_sweep_sends_no_second_notice(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    fixed_clock.advance(YEAR)
    await sweep()

    again = await sweep()

    assert again.notified == 0
    assert len(await notices(matching, "seeker-1", me)) == 1


async def test_the_profile_is_erased_when_the_notice_period_ends(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    fixed_clock.advance(YEAR)
    await sweep()
    fixed_clock.advance(NOTICE)

    report = await sweep()
    profile = await matching.get("/v1/seekers/me", headers=me)
    audit = (await matching.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]

    assert report.erased == 1
    assert profile.status_code == 404
    assert ("erase", "service", "privacy-retention") in [
        (a["action"], a["actor_role"], a["actor_sub"]) for a in audit
    ]


async def test_nothing_is_erased_before_the_notice_period_ends(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    fixed_clock.advance(YEAR)
    await sweep()
    fixed_clock.advance(timedelta(days=29))

    report = await sweep()

    assert report.erased == 0
    assert (await matching.get("/v1/seekers/me", headers=me)).status_code == 200


async def test_a_seeker_who_answers_the_notice_keeps_their_profile(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    fixed_clock.advance(YEAR)
    await sweep()
    notice = (await notices(matching, "seeker-1", me))[0]

    kept = await matching.post(f"/v1/seekers/seeker-1/notices/{notice['id']}/keep", headers=me)
    fixed_clock.advance(NOTICE)
    report = await sweep()

    assert kept.status_code == 200, kept.text
    assert kept.json()["status"] == "kept"
    assert report.erased == 0
    assert (await matching.get("/v1/seekers/me", headers=me)).status_code == 200


async def test_a_seeker_active_again_after_the_notice_is_not_erased(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    fixed_clock.advance(YEAR)
    await sweep()
    fixed_clock.advance(timedelta(days=3))
    granted = await matching.post(
        "/v1/seekers/seeker-1/consents",
        json={"purposes": ["share_contact_with_employers"], "method": "app"},
        headers=me,
    )
    assert granted.status_code == 201, granted.text
    fixed_clock.advance(NOTICE)

    report = await sweep()

    assert (report.kept, report.erased) == (1, 0)
    assert [n["status"] for n in await notices(matching, "seeker-1", me)] == ["kept"]


async def test_a_kept_profile_inactive_for_another_period_gets_a_new_notice(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    fixed_clock.advance(YEAR)
    await sweep()
    notice = (await notices(matching, "seeker-1", me))[0]
    await matching.post(f"/v1/seekers/seeker-1/notices/{notice['id']}/keep", headers=me)
    fixed_clock.advance(YEAR)

    report = await sweep()

    assert report.notified == 1
    assert [n["status"] for n in await notices(matching, "seeker-1", me)] == ["pending", "kept"]


async def test_keeping_an_unknown_or_settled_notice_is_not_found(
    matching: httpx.AsyncClient, token: Token
) -> None:
    me = await register_full(matching, token, "seeker-1")

    response = await matching.post(
        "/v1/seekers/seeker-1/notices/00000000-0000-4000-8000-000000000000/keep", headers=me
    )

    assert response.status_code == 404
    assert response.json()["code"] == "notice_not_found"


async def test_staff_of_another_county_cannot_read_a_seekers_notices(
    matching: httpx.AsyncClient, token: Token, far_staff: Headers
) -> None:
    await register_full(matching, token, "seeker-1")

    assert (await matching.get("/v1/seekers/seeker-1/notices", headers=far_staff)).status_code == 404


async def test_every_inactive_profile_is_reached_across_batches(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    for n in range(5):  # the fixture's batch_size is 2
        await register(matching, token("seeker", f"seeker-{n}"), phone=f"1381234000{n}")
    fixed_clock.advance(YEAR)
    await sweep()
    fixed_clock.advance(NOTICE)

    report = await sweep()

    assert report.erased == 5
    assert [
        (await matching.get("/v1/seekers/me", headers=token("seeker", f"seeker-{n}"))).status_code
        for n in range(5)
    ] == [404] * 5


async def test_a_sweep_that_dies_midway_resumes_and_erases_each_profile_once(
    matching: httpx.AsyncClient,
    token: Token,
    sweep: Sweep,
    fixed_clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    session: AsyncSession,
) -> None:
    for n in range(4):
        await register(matching, token("seeker", f"seeker-{n}"), phone=f"1381234000{n}")
    fixed_clock.advance(YEAR)
    await sweep()
    fixed_clock.advance(NOTICE)
    real_erase, calls = service.erase, []

    async def dies_on_the_third(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("killed")
        await real_erase(*args)

    monkeypatch.setattr(service, "erase", dies_on_the_third)
    with pytest.raises(RuntimeError):
        await sweep()
    monkeypatch.setattr(service, "erase", real_erase)

    resumed = await sweep()
    erasures = (
        await session.execute(
            text("SELECT seeker_id, count(*) FROM seeker_audit WHERE action = 'erase' GROUP BY seeker_id")
        )
    ).all()

    assert resumed.erased == 2  # the first batch of two was committed before the kill
    assert sorted(erasures) == [(f"seeker-{n}", 1) for n in range(4)]


async def test_audit_rows_older_than_their_period_are_deleted(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock, staff: Headers
) -> None:
    me = await register_full(matching, token, "seeker-1")
    await matching.get("/v1/seekers/seeker-1/sensitive", headers=staff)  # an audited read, now
    fixed_clock.advance(timedelta(days=400))
    await matching.get("/v1/seekers/seeker-1/sensitive", headers=staff)  # and one 400 days later
    fixed_clock.advance(timedelta(days=340))  # the first is now 740 days old; audit_days is 730

    report = await sweep()
    audit = (await matching.get("/v1/seekers/seeker-1/audit", headers=me)).json()["items"]

    assert report.purged["seeker_audit"] >= 1
    assert [a["action"] for a in audit if a["action"] == "read_sensitive"] == ["read_sensitive"]


async def test_an_erased_seekers_consent_history_goes_after_the_audit_period(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    await matching.delete("/v1/seekers/seeker-1", headers=me)
    fixed_clock.advance(timedelta(days=100))
    assert (await matching.get("/v1/seekers/seeker-1/consents", headers=me)).json()  # kept as proof
    fixed_clock.advance(timedelta(days=700))

    await sweep()

    assert (await matching.get("/v1/seekers/seeker-1/consents", headers=me)).json() == []


async def test_a_seeker_erased_by_the_sweep_leaves_the_market_watch(
    matching: httpx.AsyncClient, token: Token, sweep: Sweep, fixed_clock: ManualClock
) -> None:
    await register_full(matching, token, "seeker-1")
    fixed_clock.advance(YEAR)
    await sweep()
    admin = token("admin", "admin-1")
    table = f"/v1/statistics/supply-demand?county={COUNTY}"
    before = (await matching.get(table, headers=admin)).json()["rows"][0]["seekers"]
    fixed_clock.advance(NOTICE)

    await sweep()
    after = (await matching.get(table, headers=admin)).json()["rows"][0]["seekers"]

    assert (before, after) == ("<5", 0)
