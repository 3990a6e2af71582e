"""The console's pages against a live matching app that follows a real postings app."""

import asyncio
import re

import httpx
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.matching.console.conftest import csrf_of, demo_login, register_walk_in
from tests.matching.referrals.conftest import open_gig, open_job

KEY = re.compile(
    r'name="key" value="([0-9a-f]+)">\s*<input type="hidden" name="target" value="([a-z]+):([0-9a-f-]+)"'
)


async def _until_matched(client: httpx.AsyncClient, seeker_id: str, text: str) -> str:
    """The seeker's page, polled until `text` shows (the feed brings postings in within a moment)."""
    for _ in range(100):
        page = await client.get(f"/console/seekers/{seeker_id}")
        if text in page.text:
            return page.text
        await asyncio.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared among the matches")


async def test_a_walk_in_registered_in_three_screens_sees_matches_with_reasons(
    counter: httpx.AsyncClient, postings: httpx.AsyncClient, owner: dict[str, str]
) -> None:
    await demo_login(counter)
    await open_job(postings, owner)

    seeker = await register_walk_in(counter)
    page = await _until_matched(counter, seeker, "电焊工")

    assert "为什么推荐" in page
    assert "推荐（代投递）" in page


async def test_one_button_refers_to_a_job_and_the_referral_is_listed(
    counter: httpx.AsyncClient, postings: httpx.AsyncClient, owner: dict[str, str]
) -> None:
    await demo_login(counter)
    posting = await open_job(postings, owner)
    seeker = await register_walk_in(counter)
    page = await _until_matched(counter, seeker, "推荐（代投递）")
    key, kind, target = KEY.findall(page)[0]

    response = await counter.post(
        f"/console/seekers/{seeker}/refer",
        data={"csrf": await csrf_of(counter, "/console/"), "key": key, "target": f"{kind}:{target}"},
    )
    after = await counter.get(response.headers["location"])

    assert response.status_code == 303, response.text
    assert "已投递" in after.text
    listed = (await postings.get(f"/v1/postings/{posting}/applications", headers=owner)).json()["items"]
    assert [(a["seeker_id"], a["station_id"]) for a in listed] == [(seeker, "st-001")]


async def test_a_double_click_on_book_books_the_shift_once(
    counter: httpx.AsyncClient, postings: httpx.AsyncClient, owner: dict[str, str], clock: ManualClock
) -> None:
    await demo_login(counter)
    await open_gig(postings, owner, clock, slots=3)
    seeker = await register_walk_in(counter, desired_text="仓库装卸工")
    page = await _until_matched(counter, seeker, "预订")
    key, kind, target = next(m for m in KEY.findall(page) if m[1] == "shift")
    data = {"csrf": await csrf_of(counter, "/console/"), "key": key, "target": f"{kind}:{target}"}

    first, second = await asyncio.gather(
        counter.post(f"/console/seekers/{seeker}/refer", data=data),
        counter.post(f"/console/seekers/{seeker}/refer", data=data),
    )

    assert (first.status_code, second.status_code) == (303, 303), (first.text, second.text)
    engagements = (await postings.get("/v1/engagements", headers=owner)).json()["items"]
    assert len(engagements) == 1


async def test_the_slip_lists_the_chosen_posting_with_its_qr_code(
    counter: httpx.AsyncClient, postings: httpx.AsyncClient, owner: dict[str, str]
) -> None:
    await demo_login(counter)
    posting = await open_job(postings, owner)
    seeker = await register_walk_in(counter)
    await _until_matched(counter, seeker, "电焊工")

    slip = await counter.get(f"/console/seekers/{seeker}/slip", params={"p": posting, "layout": "receipt"})

    assert slip.status_code == 200
    assert "<svg" in slip.text
    assert "济南市历下区经十路" in slip.text
    assert "联系规则" in slip.text


async def test_the_poster_shows_the_posting_in_large_type_with_a_qr_code(
    counter: httpx.AsyncClient, postings: httpx.AsyncClient, owner: dict[str, str]
) -> None:
    await demo_login(counter)
    posting = await open_job(postings, owner)
    seeker = await register_walk_in(counter)
    await _until_matched(counter, seeker, "电焊工")

    poster = await counter.get(f"/console/postings/{posting}/poster")

    assert poster.status_code == 200
    assert 'class="sheet a4 poster"' in poster.text
    assert "<svg" in poster.text


async def test_another_stations_seeker_is_a_404_page(
    counter: httpx.AsyncClient, live_app: FastAPI, token: object
) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=live_app), base_url="http://t") as api:
        far = token("staff", "staff-far", station="st-far", county="370832")  # type: ignore[operator]
        body = {
            "seeker_id": "far-away",
            "desired_text": "保洁",
            "home": {"county_adcode": "370832"},
            "birth_year": 1970,
            "birth_month": 1,
            "consent": {"purposes": ["matching"], "method": "in_person_verbal"},
        }
        assert (await api.post("/v1/seekers", json=body, headers=far)).status_code == 201
    await demo_login(counter)

    page = await counter.get("/console/seekers/far-away")

    assert page.status_code == 404
    assert "未找到" in page.text
    assert "保洁" not in page.text


async def test_a_registration_error_is_shown_beside_the_field_in_chinese(counter: httpx.AsyncClient) -> None:
    await demo_login(counter)

    response = await counter.post(
        "/console/seekers/new",
        data={"csrf": await csrf_of(counter, "/console/seekers/new"), "step": "1", "birth_year": "1900"},
    )

    assert response.status_code == 422
    assert "请修改以下问题" in response.text
    assert 'href="#f-desired_text"' in response.text
    assert "请选择居住的区县" in response.text
