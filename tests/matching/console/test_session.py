"""Signing in and out of the console, CSRF, and 大字模式 kept per staff member."""

import httpx

from services.kit.auth import mint_token
from services.kit.settings import AuthSettings
from services.matching.console import geomap
from tests.matching.console.conftest import csrf_of, demo_login, post_form


async def test_a_page_without_a_session_goes_to_the_login_page(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/console/")

    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?next=/console/"


async def test_the_demo_login_sets_an_httponly_strict_session_cookie(browser: httpx.AsyncClient) -> None:
    token = await csrf_of(browser, "/console/login")

    response = await browser.post("/console/login/demo", data={"csrf": token, "next": "/console/"})

    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and "lingong_console=" in v
    )
    assert response.headers["location"] == "/console/"
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


async def test_a_signed_in_member_of_staff_sees_the_stations_week(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)

    response = await browser.get("/console/")

    assert response.status_code == 200
    assert "本站本周" in response.text
    assert "大字模式" in response.text


async def test_a_pasted_staff_token_signs_in(browser: httpx.AsyncClient, auth_settings: AuthSettings) -> None:
    pasted = mint_token(auth_settings, "staff", "staff-li", station_id="st-9")

    response = await post_form(
        browser, "/console/login", "/console/login", {"token": pasted, "next": "/console/"}
    )

    assert response.status_code == 303
    assert (await browser.get("/console/")).status_code == 200


async def test_a_seekers_token_does_not_sign_in(
    browser: httpx.AsyncClient, auth_settings: AuthSettings
) -> None:
    pasted = mint_token(auth_settings, "seeker", "seeker-1")

    response = await post_form(browser, "/console/login", "/console/login", {"token": pasted})

    assert response.status_code == 422
    assert "令牌无效" in response.text


async def test_an_expired_session_goes_back_to_the_login_page(
    browser: httpx.AsyncClient, auth_settings: AuthSettings
) -> None:
    browser.cookies.set(
        "lingong_console", mint_token(auth_settings, "staff", "staff-li", ttl=-600), path="/console"
    )

    response = await browser.get("/console/")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")


async def test_a_form_post_without_the_csrf_token_is_refused_with_a_page(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)

    response = await browser.post("/console/preferences", data={"large": "1", "next": "/console/"})

    assert response.status_code == 403
    assert "表单已过期或来源不明" in response.text
    assert response.headers["content-type"].startswith("text/html")


async def test_large_text_is_kept_for_the_staff_member_across_sessions(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)
    await post_form(browser, "/console/", "/console/preferences", {"large": "1", "next": "/console/"})
    browser.cookies.clear()

    await demo_login(browser)
    page = await browser.get("/console/")

    assert 'class="large"' in page.text


async def test_the_english_switch_renders_the_console_in_english(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)
    await post_form(browser, "/console/", "/console/preferences", {"lang": "en", "next": "/console/"})

    page = await browser.get("/console/")

    assert '<html lang="en"' in page.text
    assert "This week at the station" in page.text


async def test_signing_out_ends_the_session(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)

    await post_form(browser, "/console/", "/console/logout", {})

    assert (await browser.get("/console/")).status_code == 303


async def test_the_stylesheet_is_served_from_the_package(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/console/static/console.css")

    assert response.status_code == 200
    assert "--button-height" in response.text


async def test_a_click_on_the_offline_map_fills_in_the_county(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)
    x, y = geomap.frame().xy(36.6512, 117.1201)

    response = await post_form(
        browser,
        "/console/seekers/new",
        "/console/seekers/new",
        {"step": "1", "map.x": str(x), "map.y": str(y)},
    )

    shown = await browser.get(response.headers["location"])

    assert response.status_code == 303
    assert 'value="370102" selected' in shown.text
    assert (await browser.get("/console/static/shandong-map.svg")).headers["content-type"] == "image/svg+xml"
