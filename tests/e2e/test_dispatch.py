"""A dispatch morning in real Chromium: thirty workers (two ticked in at the counter, the rest by
scanning the station's code), six multi-slot gig shifts later today, 分配, a swap with a reason, one place
taken by someone else, 确认 double-clicked — 23 booked, one told their place was taken, nobody booked
twice; the dispatch pages have 0 axe violations and keep 大字模式's sizes in both modes."""

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from services.matching.seekers.query import CHINA
from tests.e2e.conftest import Services, bearer
from tests.e2e.helpers import axe_violations, large_text, shot, sign_in, sizes
from tests.postings.factories import employer_body, gig_body

STATION, COUNTY = "st-001", "370102"  # the demo sign-in's station and county
STAFF = bearer("staff", "demo-staff", station=STATION, county_adcode=COUNTY)
OWNER = bearer("employer", "e2e-dispatch-owner")
HEADCOUNTS = (3, 3, 4, 4, 5, 5)
WORKERS = [f"e2e-w{i:02d}" for i in range(30)]
AT_THE_COUNTER = WORKERS[:2]


def first_start() -> datetime:
    """When today's first shift starts: soon, with every shift still today in China."""
    now = datetime.now(UTC)
    midnight = datetime.combine(now.astimezone(CHINA).date() + timedelta(days=1), time(0), CHINA)
    if midnight - now < timedelta(minutes=40):
        pytest.skip("too close to midnight in China for shifts later today")
    return (now + min(timedelta(hours=2), (midnight - now) / 3)).replace(microsecond=0)


async def publish(postings: httpx.AsyncClient) -> list[str]:
    """Six instant gigs, one shift each later today, five minutes apart; their shift ids."""
    employer = (await postings.post("/v1/employers", json=employer_body(), headers=OWNER)).json()
    start, ids = first_start(), []
    for i, headcount in enumerate(HEADCOUNTS):
        begins = start + timedelta(minutes=5 * i)
        ends = begins + timedelta(hours=4)
        shifts = [{"starts_at": begins.isoformat(), "ends_at": ends.isoformat(), "headcount": headcount}]
        body = gig_body(
            employer["id"], begins, title=f"装卸工 {i + 1}号库", headcount=headcount, shifts=shifts
        )
        created = await postings.post("/v1/postings", json=body, headers=OWNER)
        etag = {"If-Match": created.headers["ETag"]}
        published = await postings.post(f"/v1/postings/{created.json()['id']}/publish", headers=OWNER | etag)
        assert published.status_code == 200, published.text
        ids.append(str(published.json()["shifts"][0]["id"]))
    return ids


async def arrive(matching: httpx.AsyncClient, n: int, seeker_id: str, code: str) -> None:
    """Registered at the station; all but the first two check in with the code of the station's QR."""
    body: dict[str, Any] = {
        "seeker_id": seeker_id,
        "desired_text": "装卸工",
        "home": {"lat": 36.655 + 0.001 * n, "lng": 117.085},
        "birth_year": 1970 + n % 20,
        "birth_month": 3,
        "phone": f"1390000{n:04d}",
        "consent": {"purposes": ["matching"], "method": "in_person_signed"},
    }
    created = await matching.post("/v1/seekers", json=body, headers=STAFF)
    assert created.status_code == 201, created.text
    if seeker_id not in AT_THE_COUNTER:
        scanned = await matching.post(
            f"/v1/dispatch/stations/{STATION}/checkins",
            json={"code": code},
            headers=bearer("seeker", seeker_id),
        )
        assert scanned.status_code == 204, scanned.text


async def until_on_board(matching: httpx.AsyncClient, shift_ids: list[str]) -> None:
    for _ in range(240):
        found = await matching.get("/v1/dispatch/board", headers=STAFF)
        if found.status_code == 200 and set(shift_ids) <= {s["shift_id"] for s in found.json()["shifts"]}:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"today's shifts never reached the board: {found.text}")


async def check_both_modes(page: Page, screenshots: Path, name: str) -> dict[str, Any]:
    """axe and sizes on the current page, normal and large; large is left off."""
    found: dict[str, Any] = {}
    for large in (False, True):
        await large_text(page, large)
        mode = "large" if large else "normal"
        violations = await axe_violations(page)
        body, button = await sizes(page)
        if violations or body < (18 if large else 16) or button < (60 if large else 44):
            found[f"{name}-{mode}"] = (violations, body, button)
        await shot(page, screenshots, f"{name}-{mode}")
    await large_text(page, False)
    return found


async def tick_at_the_counter(page: Page, seeker_id: str) -> None:
    await page.get_by_label("求职者编号").fill(seeker_id)
    await page.get_by_role("button", name="签到", exact=True).click()
    await page.wait_for_load_state()


async def test_a_dispatch_morning_is_assigned_swapped_confirmed_and_booked_in_the_browser(
    page: Page, services: Services, screenshots: Path
) -> None:
    async with (
        httpx.AsyncClient(base_url=services.postings, timeout=30) as postings,
        httpx.AsyncClient(base_url=services.matching, timeout=30) as matching,
    ):
        shift_ids = await publish(postings)
        code = (await matching.get("/v1/dispatch/checkin-code", headers=STAFF)).json()["code"]
        for n, seeker_id in enumerate(WORKERS):
            await arrive(matching, n, seeker_id, code)
        await until_on_board(matching, shift_ids)

        await sign_in(page)
        await page.get_by_role("link", name="早间派工").click()
        for seeker_id in AT_THE_COUNTER:
            await tick_at_the_counter(page, seeker_id)
        await expect(page.get_by_role("heading", name="今天到场")).to_contain_text("30")
        problems = await check_both_modes(page, screenshots, "dispatch-morning")

        await page.get_by_role("button", name="分配", exact=True).click()
        await page.wait_for_url("**/console/dispatch/plans/*")
        plan_id = page.url.rsplit("/", 1)[1]
        await expect(page.get_by_text("人有活")).to_be_visible()
        plan = (await matching.get(f"/v1/dispatch/plans/{plan_id}", headers=STAFF)).json()
        assert plan["assigned"] == sum(HEADCOUNTS)
        problems |= await check_both_modes(page, screenshots, "dispatch-plan")

        on = {p["seeker_id"]: p["shift"]["shift_id"] for p in plan["items"] if p["shift"]}
        a = next(w for w, s in on.items() if s == shift_ids[1])
        b = next(w for w, s in on.items() if s == shift_ids[2])
        await page.get_by_label("调整谁").select_option(a)
        await page.get_by_label("调到").select_option(shift_ids[2])
        await page.get_by_label("与谁对调（可不选）").select_option(b)
        await page.get_by_label("原因（必填）").fill("他住得离3号库更近")
        await page.get_by_role("button", name="调整", exact=True).click()
        await expect(page.get_by_text("他住得离3号库更近")).to_be_visible()

        stolen = await postings.post(
            f"/v1/shifts/{shift_ids[0]}/bookings", headers=bearer("seeker", "e2e-outsider")
        )
        assert stolen.status_code == 201, stolen.text
        await page.get_by_role("button", name="确认并预订").dblclick()
        # 23 bookings through the postings service, one by one: seconds on a busy machine
        await expect(page.get_by_text("已确认")).to_be_visible(timeout=30_000)
        await expect(page.get_by_text("名额已被别人占了，未预订")).to_have_count(1)
        await expect(page.get_by_text("已预订", exact=True)).to_have_count(sum(HEADCOUNTS) - 1)
        problems |= await check_both_modes(page, screenshots, "dispatch-confirmed")

        seats = []
        for shift_id in shift_ids:
            listed = await postings.get(
                "/v1/engagements", params={"shift_id": shift_id, "limit": 50}, headers=OWNER
            )
            seats.append(len(listed.json()["items"]))
        assert seats == list(HEADCOUNTS)
        assert problems == {}
