import time
from collections.abc import Callable

import httpx
import jwt
import pytest

from services.kit.settings import AuthSettings

Token = Callable[..., dict[str, str]]


def _claims(settings: AuthSettings, **overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": "e1",
        "role": "employer",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return claims


async def _call(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.get("/v1/postings", headers=headers)


async def test_missing_token_is_401(client: httpx.AsyncClient) -> None:
    response = await _call(client, {})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_expired_token_is_401(client: httpx.AsyncClient, token: Token) -> None:
    response = await _call(client, token("employer", "e1", ttl=-120))

    assert response.status_code == 401
    assert response.json()["reason"] == "expired"


async def test_token_signed_with_another_key_is_401(
    client: httpx.AsyncClient, auth_settings: AuthSettings
) -> None:
    forged = jwt.encode(
        _claims(auth_settings), "another-key-of-sufficient-length-0123456789", algorithm="HS256"
    )

    response = await _call(client, {"Authorization": f"Bearer {forged}"})

    assert response.status_code == 401


async def test_alg_none_token_is_401(client: httpx.AsyncClient, auth_settings: AuthSettings) -> None:
    unsigned = jwt.encode(_claims(auth_settings, role="admin"), None, algorithm="none")

    response = await _call(client, {"Authorization": f"Bearer {unsigned}"})

    assert response.status_code == 401


@pytest.mark.parametrize("claim", ["aud", "iss"])
async def test_token_for_another_audience_or_issuer_is_401(
    client: httpx.AsyncClient, auth_settings: AuthSettings, claim: str
) -> None:
    other = jwt.encode(
        _claims(auth_settings, **{claim: "elsewhere"}),
        auth_settings.local_key.get_secret_value(),
        algorithm="HS256",
    )

    response = await _call(client, {"Authorization": f"Bearer {other}"})

    assert response.status_code == 401


async def test_token_with_unknown_role_is_401(client: httpx.AsyncClient, auth_settings: AuthSettings) -> None:
    odd = jwt.encode(
        _claims(auth_settings, role="king"), auth_settings.local_key.get_secret_value(), algorithm="HS256"
    )

    response = await _call(client, {"Authorization": f"Bearer {odd}"})

    assert response.status_code == 401


async def test_garbage_bearer_is_401(client: httpx.AsyncClient) -> None:
    response = await _call(client, {"Authorization": "Bearer not.a.jwt"})

    assert response.status_code == 401


async def test_role_that_may_not_call_the_route_is_403(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.post(
        "/v1/imports", params={"source": "x"}, content=b"{}", headers=token("seeker", "s1")
    )

    assert response.status_code == 403
