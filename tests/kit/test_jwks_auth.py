"""Production auth: RS256 tokens verified against the identity provider's JWKS, fetched over HTTP."""

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import jwt
import pytest

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings, RateLimitSettings
from tests.kit.conftest import ServiceApp, client_at
from tests.kit.identity import IdentityProvider, SigningKey, claims


@pytest.fixture
async def jwks_client(
    service_app: ServiceApp, jwks_auth: AuthSettings, identity: IdentityProvider, key_a: SigningKey
) -> AsyncIterator[httpx.AsyncClient]:
    identity.published = [key_a]
    no_limits = RateLimitSettings(enabled=False)  # the flood below would otherwise meet the 401 limit
    async with service_app("postings", auth=jwks_auth, rate_limit=no_limits) as app, client_at(app) as client:
        yield client


async def _status(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get("/v1/postings", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def test_rs256_token_from_the_identity_provider_is_accepted(
    jwks_client: httpx.AsyncClient, key_a: SigningKey
) -> None:
    assert await _status(jwks_client, key_a.sign()) == 200


async def test_token_signed_by_an_unknown_key_is_refused(
    jwks_client: httpx.AsyncClient, key_a: SigningKey
) -> None:
    impostor = SigningKey(key_a.kid)

    assert await _status(jwks_client, impostor.sign()) == 401


async def test_local_dev_token_is_refused_in_jwks_mode(jwks_client: httpx.AsyncClient) -> None:
    token = jwt.encode(claims(), AuthSettings().local_key.get_secret_value(), algorithm="HS256")

    assert await _status(jwks_client, token) == 401


async def test_a_key_rotation_keeps_every_valid_token_working_until_the_old_key_is_withdrawn(
    jwks_client: httpx.AsyncClient,
    identity: IdentityProvider,
    clock: ManualClock,
    key_a: SigningKey,
    key_b: SigningKey,
) -> None:
    old_token = key_a.sign(ttl=3600)
    assert await _status(jwks_client, old_token) == 200

    identity.published = [key_a, key_b]  # the provider publishes its next key ahead of using it
    clock.advance(timedelta(seconds=61))
    new_token = key_b.sign()
    during = [await _status(jwks_client, new_token), await _status(jwks_client, old_token)]

    identity.published = [key_b]  # the old key's tokens have expired; the provider withdraws it
    clock.advance(timedelta(minutes=11))
    after = [await _status(jwks_client, new_token), await _status(jwks_client, old_token)]

    assert (during, after) == ([200, 200], [200, 401])


async def test_a_withdrawn_key_is_refused_with_reason_unknown_key(
    jwks_client: httpx.AsyncClient, identity: IdentityProvider, clock: ManualClock, key_a: SigningKey
) -> None:
    token = key_a.sign()
    await _status(jwks_client, token)
    identity.published = []
    clock.advance(timedelta(minutes=11))

    response = await jwks_client.get("/v1/postings", headers={"Authorization": f"Bearer {token}"})

    assert (response.status_code, response.json()["reason"]) == (401, "unknown_key")


async def test_the_key_set_is_fetched_again_once_its_cache_lifetime_is_over(
    jwks_client: httpx.AsyncClient, identity: IdentityProvider, clock: ManualClock, key_a: SigningKey
) -> None:
    token = key_a.sign(ttl=3600)
    await _status(jwks_client, token)
    clock.advance(timedelta(minutes=9))
    await _status(jwks_client, token)
    cached = identity.fetches
    clock.advance(timedelta(minutes=2))
    await _status(jwks_client, token)

    assert (cached, identity.fetches) == (1, 2)


async def test_a_flood_of_unknown_kids_fetches_the_key_set_at_most_once_a_minute(
    jwks_client: httpx.AsyncClient, identity: IdentityProvider, clock: ManualClock, key_a: SigningKey
) -> None:
    await _status(jwks_client, key_a.sign())
    refused = [await _status(jwks_client, key_a.sign(kid=f"forged-{n}")) for n in range(50)]
    within_the_minute = identity.fetches
    clock.advance(timedelta(seconds=61))
    await _status(jwks_client, key_a.sign(kid="forged-later"))

    assert (set(refused), within_the_minute, identity.fetches) == ({401}, 1, 2)
