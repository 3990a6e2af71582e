"""Registering a walk-in with the keyboard alone: Tab, typing, Space, arrow keys and Enter."""

import re

from playwright.async_api import Page, expect

from tests.e2e.conftest import Board

MAX_TABS = 120


async def _focused_name(page: Page) -> str:
    return str(
        await page.evaluate(
            """() => { const el = document.activeElement; if (!el) return "";
                 const label = el.labels && el.labels[0] ? el.labels[0].textContent : "";
                 return (label || el.getAttribute("aria-label") || el.textContent || "").trim(); }"""
        )
    )


async def tab_to(page: Page, name: str) -> None:
    """Press Tab until the focused control's label or text starts with `name`."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        if (await _focused_name(page)).startswith(name):
            return
    raise AssertionError(f"no control named {name!r} could be reached with Tab")


async def test_a_walk_in_can_be_registered_with_the_keyboard_only(page: Page, board: Board) -> None:
    await page.goto("/console/login")
    await tab_to(page, "演示登录")
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/console/$"))
    await tab_to(page, "登记新求职者")
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/console/seekers/new$"))

    await tab_to(page, "姓名")
    await page.keyboard.type("刘芳")
    await tab_to(page, "想做什么工作")
    await page.keyboard.type("保洁员")
    await tab_to(page, "住在哪个区县")
    await page.keyboard.press("ArrowDown")
    await tab_to(page, "出生年份")
    await page.keyboard.type("1968")
    await tab_to(page, "出生月份")
    await page.keyboard.type("3")
    await tab_to(page, "下一步")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="第二步：时间和要求")).to_be_visible()
    await tab_to(page, "健康证")
    await page.keyboard.press("Space")
    await tab_to(page, "下一步")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="第三步：同意授权")).to_be_visible()
    await tab_to(page, "用于岗位匹配")
    await page.keyboard.press("Space")
    await tab_to(page, "完成登记")
    await page.keyboard.press("Enter")

    await page.wait_for_url(re.compile(r"/console/seekers/[0-9a-f]+\?changed=1"))
    await expect(page.get_by_role("status")).to_contain_text("已保存")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("刘芳")
