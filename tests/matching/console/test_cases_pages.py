"""The console's 帮扶台账 pages: the list with overdue ones, a case's plan and log, closing with a reason."""

from collections.abc import Callable
from datetime import timedelta

import httpx

from services.kit.clock import ManualClock
from services.matching.cases.calendar import china_date
from tests.matching.cases.conftest import SHINAN, county_staff, open_case, register  # noqa: F401
from tests.matching.console.conftest import csrf_of, demo_login

Token = Callable[..., dict[str, str]]
Staff = Callable[[str, str, str], dict[str, str]]


async def test_the_list_shows_the_stations_cases_and_the_overdue_filter_keeps_the_late_ones(
    browser: httpx.AsyncClient,
    matching_client: httpx.AsyncClient,
    token: Token,
    county_staff: Staff,  # noqa: F811
    clock: ManualClock,
) -> None:
    staff = county_staff("demo-staff", "st-001", "370102")
    await register(matching_client, token, "s-wang")
    await register(matching_client, token, "s-li")
    late = str(china_date(clock.now()) - timedelta(days=40))
    await open_case(matching_client, staff, "s-wang", requested_on=late)
    await open_case(matching_client, staff, "s-li")
    await demo_login(browser)

    everything = await browser.get("/console/cases")
    overdue = await browser.get("/console/cases?overdue=true")

    assert everything.status_code == 200
    assert "s-wang" in everything.text
    assert "s-li" in everything.text
    assert "认定逾期" in overdue.text
    assert "s-wang" in overdue.text
    assert "s-li" not in overdue.text


async def test_a_case_page_shows_the_plan_and_log_and_closes_with_a_reason(
    browser: httpx.AsyncClient,
    matching_client: httpx.AsyncClient,
    token: Token,
    county_staff: Staff,  # noqa: F811
    clock: ManualClock,
) -> None:
    staff = county_staff("demo-staff", "st-001", "370102")
    await register(matching_client, token, "s-wang")
    case = await open_case(matching_client, staff, "s-wang")
    url = f"/console/cases/{case['id']}"
    await matching_client.post(
        f"/v1/cases/{case['id']}/contacts",
        json={
            "at": clock.now().isoformat(),
            "kind": "job_offer",
            "channel": "phone",
            "outcome": "declined",
            "decline_reason": "离家太远",
        },
        headers=staff,
    )
    await demo_login(browser)

    shown = await browser.get(url)
    no_reason = await browser.post(f"{url}/close", data={"csrf": await csrf_of(browser, url), "note": "无"})
    closed = await browser.post(
        f"{url}/close",
        data={"csrf": await csrf_of(browser, url), "reason": "moved_away", "note": "户籍迁往青岛"},
    )
    after = await browser.get(closed.headers["location"])

    assert "三个月内在家附近找到坐着做的工作" in shown.text
    assert "离家太远" in shown.text
    assert "37****************42" in shown.text
    assert no_reason.status_code == 422
    assert "结案需要选择原因并填写说明" in no_reason.text
    assert closed.status_code == 303
    assert "已结案" in after.text
    assert "户籍迁往青岛" in after.text


async def test_another_countys_case_is_a_404_page(
    browser: httpx.AsyncClient,
    matching_client: httpx.AsyncClient,
    token: Token,
    county_staff: Staff,  # noqa: F811
) -> None:
    await register(matching_client, token, "s-qingdao", home=SHINAN)
    case = await open_case(matching_client, county_staff("clerk-9", "st-shinan", "370202"), "s-qingdao")
    await demo_login(browser)

    page = await browser.get(f"/console/cases/{case['id']}")

    assert page.status_code == 404
    assert "s-qingdao" not in page.text


async def test_the_list_shows_each_seekers_name_masked(
    browser: httpx.AsyncClient,
    matching_client: httpx.AsyncClient,
    token: Token,
    county_staff: Staff,  # noqa: F811
) -> None:
    staff = county_staff("demo-staff", "st-001", "370102")
    await register(matching_client, token, "s-wang", name="王小明")
    await open_case(matching_client, staff, "s-wang")
    await demo_login(browser)

    listed = await browser.get("/console/cases")

    assert "王*明" in listed.text
    assert "王小明" not in listed.text
