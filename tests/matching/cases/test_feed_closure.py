"""Cases follow the real feed: both apps run, matching's own consumer long-polls postings."""

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx

from services.kit.clock import ManualClock
from tests.matching.cases.conftest import Headers, open_case, register
from tests.matching.outcomes.flows import accept, paid_gig, refer_to_job

Token = Callable[..., Headers]


async def _until_status(
    client: httpx.AsyncClient, staff: Headers, case_id: str, status: str, within: float = 5.0
) -> tuple[dict[str, Any], float]:
    """The case once it reaches `status`, and how long that took."""
    started = time.perf_counter()
    while True:
        body = dict((await client.get(f"/v1/cases/{case_id}", headers=staff)).json())
        elapsed = time.perf_counter() - started
        if body["status"] == status or elapsed > within:
            return body, elapsed
        await asyncio.sleep(0.05)


async def _hired_case(
    postings: httpx.AsyncClient, live_matching: httpx.AsyncClient, token: Token, staff: Headers
) -> dict[str, Any]:
    """s-wang's case, once the feed has shown the employer accepting the station's referral."""
    await register(live_matching, token, "s-wang")
    case = await open_case(live_matching, staff, "s-wang")
    boss = token("employer", "boss")
    await accept(postings, boss, (await refer_to_job(postings, boss, staff, "s-wang"))["id"])
    hired, _ = await _until_status(live_matching, staff, case["id"], "aftercare")
    return hired


async def test_a_referred_seekers_case_moves_to_aftercare_as_employed_when_the_employer_accepts(
    postings: httpx.AsyncClient, live_matching: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(live_matching, token, "s-wang")
    case = await open_case(live_matching, staff, "s-wang")
    boss = token("employer", "boss")
    applied = await refer_to_job(postings, boss, staff, "s-wang")

    await accept(postings, boss, applied["id"])
    employed, seconds = await _until_status(live_matching, staff, case["id"], "aftercare")

    print(f"accept → case employed: {seconds * 1000:.0f} ms")
    assert (employed["status"], employed["close_reason"]) == ("aftercare", "employed")
    assert employed["aftercare_due"] is not None
    assert employed["events"][-1]["kind"] == "employed"
    assert employed["events"][-1]["by"] == "feed"
    assert [(c["kind"], c["outcome"], c["by"]) for c in employed["contacts"]] == [
        ("referral", "pending", "clerk-7")
    ]
    assert employed["minimums"]["job_offers"]["done"] == 1
    assert seconds < 5


async def test_a_paid_gig_moves_the_workers_case_to_aftercare(
    postings: httpx.AsyncClient,
    live_matching: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    worker = await register(live_matching, token, "s-li")
    case = await open_case(live_matching, staff, "s-li")

    await paid_gig(postings, token("employer", "boss"), worker, clock)
    employed, seconds = await _until_status(live_matching, staff, case["id"], "aftercare")

    assert (employed["status"], employed["close_reason"]) == ("aftercare", "employed")
    assert seconds < 5


async def test_work_ending_before_the_aftercare_check_reopens_the_case(
    postings: httpx.AsyncClient,
    live_matching: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    case = await _hired_case(postings, live_matching, token, staff)
    [placement] = (await live_matching.get("/v1/seekers/s-wang/placements", headers=staff)).json()

    clock.advance(timedelta(days=20))
    ended = await live_matching.post(
        f"/v1/placements/{placement['id']}/end",
        json={"ended_at": clock.now().isoformat(), "reason": "dismissed"},
        headers=staff,
    )
    reopened = (await live_matching.get(f"/v1/cases/{case['id']}", headers=staff)).json()

    assert ended.status_code == 200, ended.text
    assert (reopened["status"], reopened["close_reason"]) == ("active", None)
    assert [e["kind"] for e in reopened["events"]][-2:] == ["employed", "reopened"]


async def test_after_the_aftercare_check_staff_close_the_case_as_employed(
    postings: httpx.AsyncClient,
    live_matching: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    case = await _hired_case(postings, live_matching, token, staff)
    url = f"/v1/cases/{case['id']}/close"
    body = {"reason": "employed", "note": "三个月回访：仍在岗，就业稳定"}

    too_early = await live_matching.post(url, json=body, headers=staff)
    clock.advance(timedelta(days=95))
    closed = await live_matching.post(url, json=body, headers=staff)

    assert too_early.status_code == 409
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["close_reason"]) == ("closed", "employed")
