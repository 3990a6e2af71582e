"""`/console/statistics`: the page shows the API's figures and SVG charts, and downloads equal the API's."""

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.auth import mint_token
from services.kit.settings import AuthSettings
from tests.conftest import client_for
from tests.matching.statistics.conftest import A, Feed, Seekers
from tests.matching.statistics.scenario import build


@pytest.fixture
async def staff_browser(stats_app: FastAPI, auth_settings: AuthSettings) -> AsyncIterator[httpx.AsyncClient]:
    token = mint_token(auth_settings, "staff", "staff-1", station_id="st-1", extra={"county_adcode": A})
    async with client_for(stats_app) as client:
        client.follow_redirects = False
        client.cookies.set("lingong_console", token)
        yield client


async def test_the_page_draws_the_shortages_and_ratios_as_svg_with_suppressed_cells(
    staff_browser: httpx.AsyncClient, feed: Feed, seekers: Seekers
) -> None:
    await build(feed, seekers)
    r = await staff_browser.get("/console/statistics")
    assert r.status_code == 200, r.text
    charts = re.findall(r"<svg[^>]*role=\"img\".*?</svg>", r.text, re.S)
    assert len(charts) == 2
    assert "建筑施工人员 9" in charts[0]  # the shortage chart's description: 6-29, gap 9
    assert "交通运输、仓储物流和邮政业服务人员 &lt;5" in charts[0]  # 4-02: gap suppressed
    assert "<script" not in r.text
    assert "cdn" not in r.text.lower()


async def test_the_page_download_equals_the_api(
    staff_browser: httpx.AsyncClient,
    client: httpx.AsyncClient,
    feed: Feed,
    seekers: Seekers,
    as_role: Any,
) -> None:
    await build(feed, seekers)
    page = await staff_browser.get("/console/statistics/download?table=supply-demand&format=csv")
    api = await client.get("/v1/statistics/supply-demand?format=csv", headers=as_role("staff", A))
    assert page.status_code == 200
    assert page.content == api.content


async def test_staff_asking_for_another_county_get_an_error_page(staff_browser: httpx.AsyncClient) -> None:
    r = await staff_browser.get("/console/statistics?county=370103")
    assert r.status_code == 403
    assert "本县" in r.text


async def test_without_a_session_the_page_asks_to_sign_in(client: httpx.AsyncClient) -> None:
    r = await client.get("/console/statistics", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/console/login")
