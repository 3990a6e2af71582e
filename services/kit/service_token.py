"""The bearer token one service sends another: the identity provider's, or minted from the local key."""

import time
from collections.abc import Callable
from typing import Protocol

from pydantic import SecretStr

from services.kit.auth import Role, mint_token
from services.kit.settings import AuthSettings


class TokenSource(Protocol):
    def token(self) -> str: ...


class StaticToken:
    """A token handed to us by the identity provider (jwks mode): sent as it is."""

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self) -> str:
        return self._token


class MintedToken:
    """A `service` token signed with the local key, minted again when a fifth of its life is left."""

    def __init__(self, auth: AuthSettings, sub: str, ttl: int, now: Callable[[], float] = time.time) -> None:
        self._auth, self._sub, self._ttl, self._now = auth, sub, ttl, now
        self._token = ""
        self._renew_at = 0.0

    def token(self) -> str:
        if self._now() >= self._renew_at:
            self._token = mint_token(self._auth, Role.SERVICE, self._sub, ttl=self._ttl)
            self._renew_at = self._now() + self._ttl * 0.8
        return self._token


def service_token(
    auth: AuthSettings, configured: SecretStr | None, subject: str, ttl: int, setting: str
) -> TokenSource:
    """The configured token if there is one, else one minted from the local key (embedded default);
    in jwks mode the token must be configured (`setting` names the variable)."""
    if configured is not None:
        return StaticToken(configured.get_secret_value())
    if auth.mode == "local":
        return MintedToken(auth, subject, ttl)
    raise ValueError(f"{setting} is required when the service verifies tokens by JWKS")
