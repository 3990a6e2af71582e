"""`/console/dispatch` as a member of staff uses it (plain form posts, cookies, CSRF): tick workers in,
see the board, 分配, a swap needing a reason, 确认 with each worker's result in words."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import client_for
from tests.matching.console.conftest import csrf_of, post_form
from tests.matching.dispatch.morning import gig, today
from tests.matching.dispatch.test_confirm import Postings, use
from tests.matching.serving.conftest import Feed, Token, register

PAGE = "/console/dispatch"


@pytest.fixture
async def browser(app: FastAPI, staff: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in with the station's staff token, as pasted at the login page."""
    async with client_for(app) as client:
        client.follow_redirects = False
        token = staff["Authorization"].split(" ", 1)[1]
        signed = await post_form(client, "/console/login", "/console/login", {"token": token, "next": PAGE})
        assert signed.status_code == 303, signed.text
        yield client


async def test_staff_tick_in_assign_and_confirm_and_read_each_result(
    app: FastAPI, browser: httpx.AsyncClient, client: httpx.AsyncClient, token: Token, feed: Feed
) -> None:
    await gig(feed, "仓库装卸工", today(8, headcount=2))
    for w, phone in (("w-1", "13800000001"), ("w-2", "13800000002"), ("w-3", "13800000003")):
        await register(client, token, w, phone=phone)
        ticked = await post_form(browser, PAGE, f"{PAGE}/checkins", {"seeker_id": w})
        assert ticked.status_code == 303, ticked.text
    morning = (await browser.get(PAGE)).text
    assert "尾号0003" in morning
    assert "13800000003" not in morning
    assert "仓库装卸工" in morning

    assigned = await post_form(browser, PAGE, f"{PAGE}/plans", {})
    assert assigned.status_code == 303
    plan_url = assigned.headers["location"]
    plan = (await browser.get(plan_url)).text
    assert "今日无活" in plan
    assert "确认并预订" in plan

    postings = Postings()
    postings.up = True
    await use(app, postings)
    confirmed = await post_form(browser, plan_url, f"{plan_url}/confirm", {})
    assert confirmed.status_code == 303
    done = (await browser.get(plan_url)).text
    assert done.count("已预订") == 2
    assert "确认并预订" not in done


async def test_a_swap_without_a_reason_is_shown_beside_the_field(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, token: Token, feed: Feed
) -> None:
    await gig(feed)
    await register(client, token, "w-1")
    await post_form(browser, PAGE, f"{PAGE}/checkins", {"seeker_id": "w-1"})
    plan_url = (await post_form(browser, PAGE, f"{PAGE}/plans", {})).headers["location"]
    response = await post_form(
        browser, plan_url, f"{plan_url}/swaps", {"seeker_id": "w-1", "shift_id": "none", "reason": ""}
    )
    assert response.status_code == 422
    assert "请选择要调整的人并写明原因" in response.text


async def test_ticking_in_someone_unknown_says_so_on_the_page(browser: httpx.AsyncClient) -> None:
    response = await post_form(browser, PAGE, f"{PAGE}/checkins", {"seeker_id": "nobody"})
    assert response.status_code == 404
    assert "未找到该求职者" in response.text
    assert 'aria-invalid="true"' in response.text


async def test_a_form_without_its_csrf_token_is_refused(browser: httpx.AsyncClient) -> None:
    await csrf_of(browser, PAGE)
    response = await browser.post(f"{PAGE}/plans", data={})
    assert response.status_code == 403


async def test_the_roll_and_the_plan_show_names_masked_never_in_full(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, token: Token, feed: Feed
) -> None:
    await gig(feed, "仓库装卸工", today(8, headcount=2))
    await register(client, token, "w-1", name="王小明")
    await register(client, token, "w-2", name="欧阳明")
    for w in ("w-1", "w-2"):
        await post_form(browser, PAGE, f"{PAGE}/checkins", {"seeker_id": w})

    morning = (await browser.get(PAGE)).text
    plan_url = (await post_form(browser, PAGE, f"{PAGE}/plans", {})).headers["location"]
    plan = (await browser.get(plan_url)).text

    for text in (morning, plan):
        assert "王*明" in text
        assert "欧阳*" in text
        assert "王小明" not in text
        assert "欧阳明" not in text
