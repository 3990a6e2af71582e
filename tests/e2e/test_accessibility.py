"""Every console page, in both sizes: 0 axe-core violations (WCAG 2.0-2.2 A and AA), body text and
primary buttons at least the sizes 大字模式 promises, and a screenshot for a person to look at."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Board, Services, bearer
from tests.e2e.helpers import axe_violations, large_text, shot, sign_in, sizes

DEMO_STAFF = {"station": "st-001", "county_adcode": "370102"}


@pytest.fixture(scope="session")
def seeker_id(services: Services, board: Board) -> str:
    """A seeker of the demo station, with the sensitive consent (so every page has something to show)."""
    body = {
        "seeker_id": "e2e-seeker",
        "name": "李秀英",
        "desired_text": "电焊工",
        "home": {"county_adcode": "370102"},
        "birth_year": 1975,
        "birth_month": 6,
        "consent": {"purposes": ["matching", "sensitive_for_priority_help"], "method": "in_person_signed"},
    }
    with httpx.Client(base_url=services.matching, timeout=30) as api:
        created = api.post("/v1/seekers", json=body, headers=bearer("staff", "demo-staff", **DEMO_STAFF))
        assert created.status_code == 201, created.text
    return "e2e-seeker"


@pytest.fixture(scope="session")
def case_id(services: Services, seeker_id: str) -> str:
    """A case (帮扶台账) for the demo station's seeker, with one contact in its log."""
    body = {
        "seeker_id": seeker_id,
        "group": "disabled",
        "evidence": {"type": "残疾人证", "number": "37010219750601104X42"},
        "caseworker_sub": "demo-staff",
        "caseworker_name": "李老师",
        "goal": "三个月内在家附近找到坐着做的工作",
    }
    staff = bearer("staff", "demo-staff", **DEMO_STAFF)
    with httpx.Client(base_url=services.matching, timeout=30) as api:
        created = api.post("/v1/cases", json=body, headers=staff)
        assert created.status_code == 201, created.text
        case = str(created.json()["id"])
        now = datetime.now(UTC).isoformat()
        contact = {"at": now, "kind": "guidance", "channel": "station", "outcome": "reached"}
        logged = api.post(f"/v1/cases/{case}/contacts", json=contact, headers=staff)
        assert logged.status_code == 201, logged.text
    return case


def pages(seeker: str, board: Board, case: str) -> dict[str, str]:
    return {
        "home": "/console/",
        "seekers": "/console/seekers",
        "search": "/console/seekers?q=13800000000",
        "search-name": "/console/seekers?q=李秀英",
        "register": "/console/seekers/new",
        "seeker": f"/console/seekers/{seeker}",
        "sensitive": f"/console/seekers/{seeker}/sensitive",
        "consent-slip": f"/console/seekers/{seeker}/consent-slip",
        "slip-a4": f"/console/seekers/{seeker}/slip?p={board.job_id}&p={board.gig_id}",
        "slip-receipt": f"/console/seekers/{seeker}/slip?p={board.job_id}&layout=receipt",
        "poster": f"/console/postings/{board.gig_id}/poster",
        "statistics": "/console/statistics",
        "not-found": "/console/seekers/nobody-here",
        "cases": "/console/cases",
        "case": f"/console/cases/{case}",
    }


async def _registration_screens(page: Page) -> AsyncIterator[str]:
    """Walk the registration's later screens (each reached by a redirect) and its 422 error screen,
    yielding each one's name while the page shows it."""
    await page.goto("/console/seekers/new")
    await page.get_by_role("button", name="下一步").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    yield "register-errors"
    await page.get_by_label("想做什么工作").fill("保洁")
    await page.get_by_label("住在哪个区县").select_option("370102")
    await page.get_by_label("出生年份").fill("1970")
    await page.get_by_label("出生月份").fill("3")
    for step in (2, 3):
        await page.get_by_role("button", name="下一步").click()
        await page.wait_for_url(re.compile(rf"step={step}$"))
        yield f"register-{step}"


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
async def test_every_page_has_no_axe_violations_and_keeps_its_sizes(
    page: Page, board: Board, seeker_id: str, case_id: str, screenshots: Path, large: bool
) -> None:
    mode = "large" if large else "normal"
    await page.goto("/console/login")
    await large_text(page, large)
    found = {"login": await axe_violations(page)}
    await shot(page, screenshots, f"login-{mode}")
    await sign_in(page)
    await large_text(page, large)
    too_small = {}
    for name, path in pages(seeker_id, board, case_id).items():
        await page.goto(path)
        await expect(page.get_by_role("button", name="大字模式")).to_have_attribute(
            "aria-pressed", str(large).lower()
        )
        found[name] = await axe_violations(page)
        body, button = await sizes(page)
        if body < (18 if large else 16) or button < (60 if large else 44):
            too_small[name] = (body, button)
        await shot(page, screenshots, f"{name}-{mode}")
    async for name in _registration_screens(page):
        found[name] = await axe_violations(page)
        body, button = await sizes(page)
        if body < (18 if large else 16) or button < (60 if large else 44):
            too_small[name] = (body, button)
        await shot(page, screenshots, f"{name}-{mode}")

    assert {k: v for k, v in found.items() if v} == {}
    assert too_small == {}
