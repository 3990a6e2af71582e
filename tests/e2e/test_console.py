"""A member of staff at the counter, in real Chromium: sign in, register a walk-in with consent (each
screen a POST answered by a redirect), find them again by name (shown masked), see matches with reasons,
refer to a job, book a gig shift, print a slip whose QR code opens the posting."""

import re
from pathlib import Path

import httpx
from playwright.async_api import BrowserContext, Locator, Page, expect

from tests.e2e.conftest import PUBLIC_BASE, Board, Services, bearer
from tests.e2e.helpers import decode_qr, shot, sign_in

WALK_IN = "张卫东"


async def register(page: Page, desired: str = "电焊工", name: str = WALK_IN) -> str:
    """Three screens; returns the new seeker's id."""
    await page.get_by_role("link", name="登记新求职者").first.click()
    await page.get_by_label("姓名").fill(name)
    await page.get_by_label("想做什么工作").fill(desired)
    await page.get_by_label("住在哪个区县").select_option("370102")
    await page.get_by_label("出生年份").fill("1972")
    await page.get_by_label("出生月份").fill("5")
    await page.get_by_label("路上最多花多少分钟").fill("60")
    await page.get_by_role("button", name="下一步").click()
    await page.wait_for_url(re.compile(r"/console/seekers/new\?draft=[\w-]+&step=2$"))
    await page.get_by_label("焊工证").check()
    await page.get_by_role("button", name="下一步").click()
    await page.wait_for_url(re.compile(r"/console/seekers/new\?draft=[\w-]+&step=3$"))
    await page.get_by_label("用于岗位匹配").check()
    await page.get_by_label("使用困难群体").check()
    await page.get_by_role("button", name="完成登记").click()
    await page.wait_for_url(re.compile(r"/console/seekers/[0-9a-f]+\?changed=1"))
    return page.url.split("/console/seekers/")[1].split("?")[0]


async def until_matched(page: Page, title: str) -> None:
    for _ in range(60):
        if await page.get_by_role("heading", name=title).count():
            return
        await page.wait_for_timeout(500)
        await page.reload()
    raise AssertionError(f"{title} never appeared among the matches")


def card(page: Page, title: str) -> Locator:
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title))


async def test_a_walk_in_is_registered_matched_referred_booked_and_given_a_slip(
    page: Page, board: Board, services: Services, screenshots: Path
) -> None:
    await sign_in(page)
    seeker = await register(page)
    await expect(page.get_by_role("heading", level=1)).to_contain_text(WALK_IN)

    await page.goto("/console/seekers")
    await page.get_by_label("姓名").fill(WALK_IN)
    await page.get_by_role("button", name="查找").click()
    found = page.get_by_role("row").filter(has=page.get_by_role("link", name=seeker))
    await expect(found.get_by_role("cell", name="张*东")).to_be_visible()
    await expect(page.get_by_text(WALK_IN)).to_have_count(0)
    await shot(page, screenshots, "journey-search-by-name")
    await found.get_by_role("link", name=seeker).click()

    await until_matched(page, "电焊工")
    await expect(card(page, "电焊工").get_by_text("为什么推荐")).to_be_visible()
    await shot(page, screenshots, "journey-matches")

    await card(page, "电焊工").get_by_role("button", name="推荐（代投递）").click()
    await expect(page.get_by_role("status")).to_contain_text("已办理")
    await card(page, "仓库装卸工（日结）").get_by_role("button", name=re.compile("^预订")).click()
    await expect(page.get_by_role("status")).to_contain_text("已办理")
    await expect(page.get_by_role("cell", name="已投递")).to_be_visible()
    await expect(page.get_by_role("cell", name="已预订班次")).to_be_visible()

    await card(page, "电焊工").get_by_label("打印到求职单").check()
    await page.get_by_role("button", name="打印求职单").click()
    await expect(page.get_by_role("heading", name="求职推荐单")).to_be_visible()
    await shot(page, screenshots, "journey-slip")
    codes = await decode_qr(page.get_by_role("figure").first)

    assert codes == [PUBLIC_BASE + board.job_id]
    with httpx.Client(base_url=services.postings) as api:
        owner = bearer("employer", "e2e-owner")
        applied = api.get(f"/v1/postings/{board.job_id}/applications", headers=owner).json()["items"]
    assert [a["station_id"] for a in applied] == ["st-001"]


async def test_a_form_post_without_the_csrf_token_is_refused(page: Page, context: BrowserContext) -> None:
    await sign_in(page)

    response = await context.request.post("/console/preferences", form={"large": "1", "next": "/console/"})

    assert response.status == 403
    assert "表单已过期或来源不明" in await response.text()


async def test_another_stations_seeker_is_a_404_page(
    page: Page, services: Services, screenshots: Path
) -> None:
    far = bearer("staff", "staff-far", station="st-far", county_adcode="370832")
    body = {
        "seeker_id": "e2e-far-away",
        "desired_text": "保洁员",
        "home": {"county_adcode": "370832"},
        "birth_year": 1970,
        "birth_month": 1,
        "consent": {"purposes": ["matching"], "method": "in_person_verbal"},
    }
    with httpx.Client(base_url=services.matching) as api:
        assert api.post("/v1/seekers", json=body, headers=far).status_code == 201
    await sign_in(page)

    response = await page.goto("/console/seekers/e2e-far-away")

    assert response is not None
    assert response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_contain_text("未找到")
    await expect(page.get_by_text("保洁员")).to_have_count(0)
    await shot(page, screenshots, "not-found")
