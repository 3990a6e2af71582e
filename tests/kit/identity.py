"""A stand-in identity provider: a real HTTP server publishing a JWKS that a test can rotate."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER, AUDIENCE = "https://id.example.gov.cn", "lingong"


class SigningKey:
    """An RSA key with its `kid`, able to sign tokens and publish its public half."""

    def __init__(self, kid: str) -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return public | {"kid": self.kid, "use": "sig", "alg": "RS256"}

    def sign(self, ttl: int = 300, kid: str | None = None, **overrides: Any) -> str:
        header = {"kid": kid or self.kid}
        return jwt.encode(claims(ttl, **overrides), self.private, algorithm="RS256", headers=header)


def claims(ttl: int = 300, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "seeker-1", "role": "seeker", "iat": now, "exp": now + ttl}
    return base | overrides


class IdentityProvider:
    """Serves `{"keys": [...]}` for the keys currently published and counts the fetches."""

    def __init__(self) -> None:
        self.published: list[SigningKey] = []
        self.fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                provider.fetches += 1
                body = json.dumps({"keys": [k.jwk() for k in provider.published]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/.well-known/jwks.json"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
