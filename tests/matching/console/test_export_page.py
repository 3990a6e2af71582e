"""The console's page of everything held about a seeker, printed at the counter for them."""

import httpx

from tests.matching.console.conftest import demo_login, register_walk_in


async def test_staff_print_a_walk_ins_export_with_the_phone_masked(counter: httpx.AsyncClient) -> None:
    await demo_login(counter)
    seeker_id = await register_walk_in(counter)

    detail = await counter.get(f"/console/seekers/{seeker_id}")
    page = await counter.get(f"/console/seekers/{seeker_id}/export")

    assert f"/console/seekers/{seeker_id}/export" in detail.text
    assert page.status_code == 200
    assert "个人信息副本" in page.text
    assert "139****5678" in page.text
    assert "13912345678" not in page.text
    assert "帮扶台账" in page.text


async def test_the_export_page_needs_a_signed_in_member_of_staff(counter: httpx.AsyncClient) -> None:
    response = await counter.get("/console/seekers/someone/export")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")


async def test_a_seeker_out_of_reach_is_a_not_found_page(counter: httpx.AsyncClient) -> None:
    await demo_login(counter)

    response = await counter.get("/console/seekers/nobody-here/export")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
