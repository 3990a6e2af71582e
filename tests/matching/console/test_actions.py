"""Console actions that can go wrong: the postings service unreachable, a pin without a reason,
sensitive facts without their consent, the demo sign-in switched off."""

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.matching.ranking.text import TextEncoder
from services.matching.referrals.config import ReferralSettings
from services.matching.replica.config import ReplicaSettings
from tests.conftest import LifespanApp, client_for
from tests.matching.console.conftest import csrf_of, demo_login, post_form, register_walk_in
from tests.matching.ranking.conftest import keyword_predictor
from tests.matching.referrals.conftest import open_job

Token = Callable[..., dict[str, str]]
# A pinned match's own form: the posting pinned (on the slip checkbox) and the override to undo.
OVERRIDE = re.compile(r'name="p" value="([0-9a-f-]+)".*?/overrides/([0-9a-f-]+)/revoke', re.S)
KEY = re.compile(
    r'name="key" value="([0-9a-f]+)">\s*<input type="hidden" name="target" value="([a-z]+:[0-9a-f-]+)"'
)


@pytest.fixture
async def cut_off(
    matching_settings: MatchingSettings, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    """The console of a matching service whose postings service cannot be reached."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    app = create_matching(matching_settings, clock)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    app.state.referral_settings = ReferralSettings(max_attempts=2, backoff_seconds=0)
    app.state.postings_transport = httpx.MockTransport(refuse)
    app.state.text_encoder = TextEncoder(keyword_predictor)
    async with LifespanApp(app) as running, client_for(running) as client:
        client.follow_redirects = False
        yield client


async def test_an_unreachable_postings_service_is_a_clear_page_and_nothing_is_recorded(
    cut_off: httpx.AsyncClient,
) -> None:
    await demo_login(cut_off)
    seeker = await register_walk_in(cut_off)
    data = {"key": "a" * 32, "target": "posting:8e0c7a52-5c1f-4a8e-9d3b-1f2e3d4c5b6a"}

    response = await post_form(cut_off, "/console/", f"/console/seekers/{seeker}/refer", data)
    after = await cut_off.get(f"/console/seekers/{seeker}")

    assert response.status_code == 503
    assert "岗位服务暂时连不上，本次操作没有执行" in response.text
    assert "还没有推荐记录" in after.text


async def test_pinning_without_a_reason_is_refused_beside_the_matches(
    counter: httpx.AsyncClient, postings: httpx.AsyncClient, owner: dict[str, str]
) -> None:
    await demo_login(counter)
    posting = await open_job(postings, owner)
    seeker = await register_walk_in(counter)

    response = await post_form(
        counter,
        "/console/",
        f"/console/seekers/{seeker}/overrides",
        {"posting_id": posting, "action": "pin", "reason": ""},
    )

    assert response.status_code == 422
    assert "置顶或隐藏需要填写原因" in response.text


async def test_pinning_with_a_reason_shows_it_on_the_match(
    counter: httpx.AsyncClient, postings: httpx.AsyncClient, owner: dict[str, str], live_app: FastAPI
) -> None:
    await demo_login(counter)
    posting = await open_job(postings, owner)
    seeker = await register_walk_in(counter)
    await _replicated(counter, seeker)

    response = await post_form(
        counter,
        "/console/",
        f"/console/seekers/{seeker}/overrides",
        {"posting_id": posting, "action": "pin", "reason": "本人想就近上班"},
    )
    page = await counter.get(f"/console/seekers/{seeker}")

    assert response.status_code == 303, response.text
    assert "已置顶" in page.text
    assert "本人想就近上班" in page.text


async def _replicated(client: httpx.AsyncClient, seeker: str) -> None:
    import asyncio

    for _ in range(100):
        if "推荐（代投递）" in (await client.get(f"/console/seekers/{seeker}")).text:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the posting never reached the matches")


async def test_sensitive_facts_need_their_own_consent(browser: httpx.AsyncClient) -> None:
    await demo_login(browser)
    seeker = await register_walk_in(browser)  # consents to matching and sensitive facts
    without = await register_walk_in(browser, purposes=("matching",), phone="13900001111")

    allowed = await browser.get(f"/console/seekers/{seeker}/sensitive")
    refused = await post_form(
        browser,
        f"/console/seekers/{without}/sensitive",
        f"/console/seekers/{without}/sensitive",
        {"disability": "1"},
    )

    assert "残疾情况" in allowed.text
    assert refused.status_code == 403
    assert "求职者没有同意使用敏感信息" in refused.text


async def test_the_demo_sign_in_is_refused_when_dev_tokens_are_off(
    matching_settings: MatchingSettings, clock: ManualClock
) -> None:
    settings = matching_settings.model_copy(update={"auth": AuthSettings(dev_tokens=False)})
    app = create_matching(settings, clock)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    async with LifespanApp(app) as running, client_for(running) as client:
        token = await csrf_of(client, "/console/login")
        login_page = await client.get("/console/login")
        response = await client.post("/console/login/demo", data={"csrf": token}, follow_redirects=False)

    assert "演示登录" not in login_page.text
    assert response.status_code == 403


@asynccontextmanager
async def _admin_console(live_app: FastAPI, token: Token) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the console signed in with an admin's token."""
    async with client_for(live_app) as client:
        client.follow_redirects = False
        bearer = token("admin", "admin-1")["Authorization"].removeprefix("Bearer ")
        data = {"csrf": await csrf_of(client, "/console/login"), "token": bearer, "next": "/console/"}
        assert (await client.post("/console/login", data=data)).status_code == 303
        yield client


async def _pinned(counter: httpx.AsyncClient, postings: httpx.AsyncClient, owner: dict[str, str]) -> str:
    """A walk-in registered by the demo station's staff, with a job pinned to the top of their matches."""
    await demo_login(counter)
    posting = await open_job(postings, owner)
    seeker = await register_walk_in(counter)
    await _replicated(counter, seeker)
    form = {"posting_id": posting, "action": "pin", "reason": "本人想就近上班"}
    assert (
        await post_form(counter, "/console/", f"/console/seekers/{seeker}/overrides", form)
    ).status_code == 303
    return seeker


async def test_an_admin_sees_the_matches_without_pin_hide_or_undo(
    counter: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    owner: dict[str, str],
    live_app: FastAPI,
    token: Token,
) -> None:
    seeker = await _pinned(counter, postings, owner)

    async with _admin_console(live_app, token) as admin:
        page = await admin.get(f"/console/seekers/{seeker}")
    staffs = await counter.get(f"/console/seekers/{seeker}")

    assert "推荐（代投递）" in page.text
    assert "置顶或隐藏" not in page.text
    assert "撤销置顶/隐藏" not in page.text
    assert "撤销置顶/隐藏" in staffs.text


async def test_an_admins_pin_and_undo_are_refused_with_the_apis_403(
    counter: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    owner: dict[str, str],
    live_app: FastAPI,
    token: Token,
) -> None:
    seeker = await _pinned(counter, postings, owner)
    detail = f"/console/seekers/{seeker}"
    pinned = OVERRIDE.search((await counter.get(detail)).text)
    assert pinned is not None

    async with _admin_console(live_app, token) as admin:
        form = {"posting_id": pinned.group(1), "action": "hide", "reason": "管理员想隐藏"}
        pin = await post_form(admin, "/console/", f"{detail}/overrides", form)
        undo = await post_form(admin, "/console/", f"{detail}/overrides/{pinned.group(2)}/revoke", {})
    async with client_for(live_app) as api:
        by_api = await api.post(
            f"/v1/seekers/{seeker}/overrides", json=form, headers=token("admin", "admin-1")
        )
    after = await counter.get(detail)

    assert (pin.status_code, undo.status_code, by_api.status_code) == (403, 403, 403)
    assert by_api.json()["title_zh"] in pin.text
    assert by_api.json()["title_zh"] in undo.text
    assert "已置顶" in after.text
    assert "已隐藏" not in after.text
