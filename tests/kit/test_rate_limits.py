"""Abuse limits: 429 with Retry-After past a rule's budget, per principal and per address."""

import io
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from services.kit.logging import configure_logging
from services.kit.settings import RateLimitRule, RateLimitSettings
from tests.kit.conftest import ServiceApp, client_at

Token = Callable[..., dict[str, str]]

WRITES = {"postings": "/v1/postings", "matching": "/v1/seekers"}


def _limits(*rules: RateLimitRule, **fields: Any) -> RateLimitSettings:
    return RateLimitSettings(rules=list(rules), **fields)


def _writes(scope: str, limit: str = "3/minute") -> RateLimitRule:
    return RateLimitRule(name="writes", limit=limit, scope=scope, methods=["POST"])  # type: ignore[arg-type]


async def _post(client: httpx.AsyncClient, service: str, headers: dict[str, str]) -> httpx.Response:
    return await client.post(WRITES[service], json={}, headers=headers)


@pytest.mark.parametrize("service", ["postings", "matching"])
async def test_past_the_limit_a_write_gets_429_with_retry_after(
    service_app: ServiceApp, token: Token, service: str
) -> None:
    me = token("staff", "st-1", station="s1")
    async with (
        service_app(service, rate_limit=_limits(_writes("principal"))) as app,
        client_at(app) as client,
    ):
        before = [(await _post(client, service, me)).status_code for _ in range(3)]
        refused = await _post(client, service, me)

    assert 429 not in before
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert (refused.json()["code"], refused.json()["limit"]) == ("rate_limited", "writes")


async def test_one_principal_spending_its_budget_leaves_another_untouched(
    service_app: ServiceApp, token: Token
) -> None:
    one, other = token("employer", "e-1"), token("employer", "e-2")
    async with (
        service_app("postings", rate_limit=_limits(_writes("principal"))) as app,
        client_at(app) as client,
    ):
        for _ in range(4):
            await _post(client, "postings", one)
        answers = [(await _post(client, "postings", who)).status_code for who in (one, other)]

    assert answers[0] == 429
    assert answers[1] != 429


async def test_one_address_spending_its_budget_leaves_another_untouched(
    service_app: ServiceApp, token: Token
) -> None:
    me = token("employer", "e-1")
    async with service_app("postings", rate_limit=_limits(_writes("address"))) as app:
        async with client_at(app, "10.0.0.1") as first, client_at(app, "10.0.0.2") as second:
            for _ in range(4):
                await _post(first, "postings", me)
            answers = [(await _post(c, "postings", me)).status_code for c in (first, second)]

    assert answers[0] == 429
    assert answers[1] != 429


async def test_refused_credentials_past_the_limit_block_the_address_for_unverified_requests(
    service_app: ServiceApp,
) -> None:
    rule = RateLimitRule(name="refused_credentials", limit="3/minute", scope="address", statuses=[401])
    bad = {"Authorization": "Bearer not.a.jwt"}
    async with service_app("matching", rate_limit=_limits(rule)) as app, client_at(app) as client:
        refused = [(await client.get("/v1/seekers", headers=bad)).status_code for _ in range(4)]
        anonymous = await client.get("/v1/seekers")

    assert refused == [401, 401, 401, 429]
    assert anonymous.status_code == 429


async def test_a_valid_token_still_passes_from_an_address_blocked_for_refused_credentials(
    service_app: ServiceApp, token: Token
) -> None:
    rule = RateLimitRule(name="refused_credentials", limit="2/minute", scope="address", statuses=[401])
    async with service_app("postings", rate_limit=_limits(rule)) as app, client_at(app) as client:
        for _ in range(3):
            await client.get("/v1/postings", headers={"Authorization": "Bearer forged"})
        valid = await client.get("/v1/postings", headers=token("seeker", "s-1"))

    assert valid.status_code == 200


async def test_check_in_attempts_are_limited_per_principal_by_default(
    service_app: ServiceApp, token: Token
) -> None:
    me = token("seeker", "s-1")
    path = "/v1/engagements/7b0e1a7e-0000-4000-8000-000000000001/check-in"
    async with service_app("postings") as app, client_at(app) as client:
        answers = [
            (await client.post(path, json={"code": "123456"}, headers=me)).status_code for _ in range(11)
        ]

    assert 429 not in answers[:10]
    assert answers[10] == 429


async def test_match_queries_are_limited_per_principal_by_default(
    service_app: ServiceApp, token: Token
) -> None:
    me = token("seeker", "s-1")
    async with service_app("matching") as app, client_at(app) as client:
        answers = [(await client.get("/v1/seekers/s-1/matches", headers=me)).status_code for _ in range(61)]

    assert 429 not in answers[:60]
    assert answers[60] == 429


async def test_service_tokens_are_exempt(service_app: ServiceApp, token: Token) -> None:
    me = token("service", "matching")
    async with service_app("postings", rate_limit=_limits(_writes("principal", "1/minute"))) as app:
        async with client_at(app) as client:
            answers = [(await _post(client, "postings", me)).status_code for _ in range(3)]

    assert 429 not in answers


async def test_with_limits_disabled_nothing_is_refused(service_app: ServiceApp, token: Token) -> None:
    me = token("employer", "e-1")
    limits = _limits(_writes("principal", "1/minute"), enabled=False)
    async with service_app("postings", rate_limit=limits) as app, client_at(app) as client:
        answers = [(await _post(client, "postings", me)).status_code for _ in range(3)]

    assert 429 not in answers


async def test_unreachable_redis_falls_back_to_counting_in_memory_with_a_warning(
    service_app: ServiceApp, token: Token
) -> None:
    me = token("employer", "e-1")
    limits = _limits(_writes("principal"), storage_url="redis://127.0.0.1:1/0", storage_timeout_seconds=0.2)
    async with service_app("postings", rate_limit=limits) as app, client_at(app) as client:
        stream = io.StringIO()
        configure_logging("INFO", json_logs=True, stream=stream)
        answers = [(await _post(client, "postings", me)).status_code for _ in range(4)]

    warnings = [json.loads(line) for line in stream.getvalue().splitlines() if "rate-limit" in line]
    assert 500 not in answers
    assert answers[3] == 429
    assert [w["levelname"] for w in warnings] == ["WARNING"]
