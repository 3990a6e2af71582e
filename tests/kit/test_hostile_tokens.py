"""Hostile tokens on both services: each kind is refused with 401 and its own stable reason."""

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from services.kit.settings import AuthSettings, RateLimitSettings
from tests.kit.conftest import ServiceApp, client_at
from tests.kit.identity import AUDIENCE, IdentityProvider, SigningKey, claims

SERVICES = ["postings", "matching"]
READS = {"postings": "/v1/postings", "matching": "/v1/seekers"}
NO_LIMITS = RateLimitSettings(enabled=False)


@pytest.fixture(params=SERVICES)
async def jwks_service(
    request: pytest.FixtureRequest,
    service_app: ServiceApp,
    jwks_auth: AuthSettings,
    identity: IdentityProvider,
    key_a: SigningKey,
) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    identity.published = [key_a]
    async with service_app(request.param, auth=jwks_auth, rate_limit=NO_LIMITS) as app, client_at(app) as c:
        yield request.param, c


async def _refusal(service: tuple[str, httpx.AsyncClient], token: str) -> tuple[int, str | None]:
    name, client = service
    response = await client.get(READS[name], headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.json().get("reason")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(payload: dict[str, object]) -> str:
    head = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{head}.{_b64(json.dumps(payload).encode())}."


def _hs256(secret: bytes, header: dict[str, object], payload: dict[str, object]) -> str:
    """Signed by hand: PyJWT itself refuses to HMAC with a PEM public key."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


async def test_a_token_signed_by_a_stranger_under_a_published_kid_is_bad_signature(
    jwks_service: tuple[str, httpx.AsyncClient], key_a: SigningKey
) -> None:
    assert await _refusal(jwks_service, SigningKey(key_a.kid).sign()) == (401, "bad_signature")


async def test_an_expired_token_is_expired(
    jwks_service: tuple[str, httpx.AsyncClient], key_a: SigningKey
) -> None:
    assert await _refusal(jwks_service, key_a.sign(ttl=-120)) == (401, "expired")


async def test_a_token_for_another_audience_is_wrong_audience(
    jwks_service: tuple[str, httpx.AsyncClient], key_a: SigningKey
) -> None:
    assert await _refusal(jwks_service, key_a.sign(aud="another-app")) == (401, "wrong_audience")


async def test_a_token_naming_an_unpublished_kid_is_unknown_key(
    jwks_service: tuple[str, httpx.AsyncClient], key_a: SigningKey
) -> None:
    assert await _refusal(jwks_service, key_a.sign(kid="not-published")) == (401, "unknown_key")


async def test_hs256_signed_with_the_rsa_public_key_is_disallowed_algorithm(
    jwks_service: tuple[str, httpx.AsyncClient], key_a: SigningKey
) -> None:
    public_pem = key_a.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = _hs256(public_pem, {"kid": key_a.kid, "alg": "HS256", "typ": "JWT"}, claims())

    assert await _refusal(jwks_service, token) == (401, "disallowed_algorithm")


async def test_an_unsigned_alg_none_token_is_disallowed_algorithm(
    jwks_service: tuple[str, httpx.AsyncClient],
) -> None:
    assert await _refusal(jwks_service, _unsigned(claims(role="admin"))) == (401, "disallowed_algorithm")


async def test_a_token_that_is_not_a_jwt_is_malformed(jwks_service: tuple[str, httpx.AsyncClient]) -> None:
    assert await _refusal(jwks_service, "bm90.a.jwt") == (401, "malformed")


@pytest.mark.parametrize("service", SERVICES)
async def test_local_mode_refuses_alg_none_and_rs256_as_disallowed_algorithm(
    service_app: ServiceApp, key_a: SigningKey, service: str
) -> None:
    local = AuthSettings(audience=AUDIENCE)
    rs256 = key_a.sign(iss=local.issuer)
    async with service_app(service, auth=local, rate_limit=NO_LIMITS) as app, client_at(app) as client:
        answers = [await _refusal((service, client), t) for t in (_unsigned(claims()), rs256)]

    assert answers == [(401, "disallowed_algorithm")] * 2
