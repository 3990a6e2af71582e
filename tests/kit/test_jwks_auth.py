"""Production auth: RS256 tokens verified against the identity provider's JWKS URL."""

import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from services.kit.settings import AuthSettings
from services.postings.config import PostingsSettings
from services.postings.main import create_app
from tests.conftest import LifespanApp, client_for

ISSUER, AUDIENCE, KID = "https://id.example.gov.cn", "lingong", "key-2026"


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(private_key: rsa.RSAPrivateKey) -> Iterator[str]:
    jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key())) | {
        "kid": KID,
        "use": "sig",
        "alg": "RS256",
    }
    body = json.dumps({"keys": [jwk]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()
    server.server_close()


@pytest.fixture
async def jwks_client(
    make_database: Callable[[str], Awaitable[str]], jwks_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    auth = AuthSettings(mode="jwks", jwks_url=jwks_url, issuer=ISSUER, audience=AUDIENCE)
    settings = PostingsSettings(database_url=await make_database("postings"), auth=auth)
    async with LifespanApp(create_app(settings, background=False)) as app, client_for(app) as client:
        yield client


def _claims() -> dict[str, Any]:
    now = int(time.time())
    return {"iss": ISSUER, "aud": AUDIENCE, "sub": "seeker-1", "role": "seeker", "iat": now, "exp": now + 300}


async def test_rs256_token_from_the_identity_provider_is_accepted(
    jwks_client: httpx.AsyncClient, private_key: rsa.RSAPrivateKey
) -> None:
    token = jwt.encode(_claims(), private_key, algorithm="RS256", headers={"kid": KID})

    response = await jwks_client.get("/v1/postings", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200


async def test_token_signed_by_an_unknown_key_is_refused(
    jwks_client: httpx.AsyncClient, private_key: rsa.RSAPrivateKey
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(), other, algorithm="RS256", headers={"kid": KID})

    response = await jwks_client.get("/v1/postings", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401


async def test_local_dev_token_is_refused_in_jwks_mode(jwks_client: httpx.AsyncClient) -> None:
    token = jwt.encode(_claims(), AuthSettings().local_key.get_secret_value(), algorithm="HS256")

    response = await jwks_client.get("/v1/postings", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
