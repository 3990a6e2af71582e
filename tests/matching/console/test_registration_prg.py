"""Registration screens are Post/Redirect/Get: every successful POST answers 303 to the next screen's
GET, the fields wait in a sealed server-side draft, a reload or a second submit registers nobody twice,
and errors re-render the screen with 422 beside the field."""

import re
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from services.kit.auth import mint_token
from services.kit.settings import AuthSettings
from services.matching.console.models import RegistrationDraft
from services.matching.seekers.models import Seeker
from tests.matching.console.conftest import CSRF, DRAFT, demo_login, submit_screens

SCREEN_1 = {
    "name": "王小明",
    "desired_text": "保洁",
    "county_adcode": "370102",
    "travel_mode": "bus",
    "max_commute_minutes": "45",
    "birth_year": "1970",
    "birth_month": "3",
    "phone": "13912340000",
}
SCREEN_2 = {"kinds": ["job"], "pay_unit": "day"}
SCREEN_3 = {"purposes": ["matching"], "method": "in_person_signed"}


async def _post(client: httpx.AsyncClient, at: str, step: int, fields: dict[str, Any]) -> httpx.Response:
    page = await client.get(at)
    csrf, draft = CSRF.search(page.text), DRAFT.search(page.text)
    assert csrf is not None
    assert draft is not None
    data = {"csrf": csrf.group(1), "step": str(step), "draft": draft.group(1), **fields}
    return await client.post("/console/seekers/new", data=data)


async def _seekers(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Seeker)) or 0)


async def test_each_screen_redirects_to_the_next_screens_page(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)

    first = await _post(browser, "/console/seekers/new", 1, SCREEN_1)
    second = await _post(browser, first.headers["location"], 2, SCREEN_2)
    third = await _post(browser, second.headers["location"], 3, SCREEN_3)

    assert [r.status_code for r in (first, second, third)] == [303, 303, 303]
    assert re.fullmatch(r"/console/seekers/new\?draft=[\w-]+&step=2", first.headers["location"])
    assert second.headers["location"].endswith("&step=3")
    assert re.fullmatch(r"/console/seekers/[0-9a-f]{32}\?changed=1", third.headers["location"])


async def test_reloading_a_screen_shows_what_was_typed_and_posts_nothing(
    browser: httpx.AsyncClient, matching_app: FastAPI
) -> None:
    await demo_login(browser)
    first = await _post(browser, "/console/seekers/new", 1, SCREEN_1)

    again = await browser.get(first.headers["location"])
    back = await browser.get(first.headers["location"].replace("step=2", "step=1"))

    assert again.status_code == 200
    assert "第二步" in again.text
    assert 'value="王小明"' in back.text
    assert await _seekers(matching_app) == 0


async def test_submitting_the_last_screen_twice_registers_once(
    browser: httpx.AsyncClient, matching_app: FastAPI
) -> None:
    await demo_login(browser)
    first = await _post(browser, "/console/seekers/new", 1, SCREEN_1)
    second = await _post(browser, first.headers["location"], 2, SCREEN_2)
    page = await browser.get(second.headers["location"])
    csrf, draft = CSRF.search(page.text), DRAFT.search(page.text)
    assert csrf is not None
    assert draft is not None
    data = {"csrf": csrf.group(1), "step": "3", "draft": draft.group(1), **SCREEN_3}

    once = await browser.post("/console/seekers/new", data=data)
    twice = await browser.post("/console/seekers/new", data=data)
    reload = await browser.get(second.headers["location"])

    assert once.headers["location"] == twice.headers["location"] == reload.headers["location"]
    assert await _seekers(matching_app) == 1


async def test_a_screen_with_an_error_is_shown_again_with_422_and_keeps_the_draft(
    browser: httpx.AsyncClient,
) -> None:
    await demo_login(browser)
    first = await _post(browser, "/console/seekers/new", 1, SCREEN_1)

    wrong = await _post(browser, first.headers["location"], 2, {"kinds": ["job"], "experience_years": "99"})

    assert wrong.status_code == 422
    assert "工作年限填 0 到 60 之间的数字" in wrong.text
    assert DRAFT.search(wrong.text) is not None
    assert DRAFT.search(wrong.text).group(1) in first.headers["location"]  # type: ignore[union-attr]


async def test_a_bad_name_is_refused_beside_the_name_field(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)

    response = await _post(browser, "/console/seekers/new", 1, SCREEN_1 | {"name": "王\u200b小明"})

    assert response.status_code == 422
    assert 'id="e-name"' in response.text
    assert "姓名只能有文字" in response.text


async def test_back_keeps_the_screen_and_opens_the_one_before(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)
    first = await _post(browser, "/console/seekers/new", 1, SCREEN_1)

    back = await _post(browser, first.headers["location"], 2, {"back": "1", "experience_years": "7"})
    forward = await browser.get(first.headers["location"])

    assert back.status_code == 303
    assert back.headers["location"].endswith("&step=1")
    assert 'value="7"' in forward.text


async def test_the_draft_is_sealed_and_only_its_staff_member_opens_it(
    browser: httpx.AsyncClient, matching_app: FastAPI, auth_settings: AuthSettings
) -> None:
    await demo_login(browser)
    first = await _post(browser, "/console/seekers/new", 1, SCREEN_1)
    async with matching_app.state.sessionmaker() as session:
        sealed = (await session.scalars(select(RegistrationDraft.data_cipher))).one()
    other = mint_token(auth_settings, "staff", "staff-li", "st-001", extra={"county_adcode": "370102"})
    browser.cookies.set("lingong_console", other, path="/console")

    theirs = await browser.get(first.headers["location"])

    assert sealed is not None
    assert "王小明".encode() not in sealed
    assert b"13912340000" not in sealed
    assert theirs.status_code == 200
    assert "这次登记已过期或不存在" in theirs.text
    assert "王小明" not in theirs.text


async def test_the_registered_name_is_found_masked_and_shown_in_full_on_the_seekers_page(
    browser: httpx.AsyncClient,
) -> None:
    await demo_login(browser)
    done = await submit_screens(browser, [SCREEN_1, SCREEN_2, SCREEN_3])
    seeker = done.headers["location"].split("/console/seekers/")[1].split("?")[0]

    found = await browser.get("/console/seekers", params={"q": "王小明"})
    page = await browser.get(f"/console/seekers/{seeker}")

    assert f'href="/console/seekers/{seeker}"' in found.text
    assert "王*明" in found.text
    assert "王小明" not in found.text.replace('value="王小明"', "")
    assert "王小明" in page.text


async def test_a_name_search_does_not_reach_another_countys_seeker(
    browser: httpx.AsyncClient, auth_settings: AuthSettings
) -> None:
    await demo_login(browser)
    await submit_screens(browser, [SCREEN_1, SCREEN_2, SCREEN_3])
    far = mint_token(auth_settings, "staff", "staff-far", "st-far", extra={"county_adcode": "370832"})
    browser.cookies.set("lingong_console", far, path="/console")

    found = await browser.get("/console/seekers", params={"q": "王小明"})

    assert found.status_code == 200
    assert "王*明" not in found.text
    assert "没有找到" in found.text
