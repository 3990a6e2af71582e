"""JWT bearer authentication (PyJWT) and role checks."""

import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.kit.problems import Forbidden, Unauthorized
from services.kit.settings import AuthSettings


class Role(StrEnum):
    SEEKER = "seeker"
    EMPLOYER = "employer"
    STAFF = "staff"
    ADMIN = "admin"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token's subject, role and scoping claims."""

    sub: str
    role: Role
    station_id: str | None = None
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> str:
        """Stable identity for per-principal records such as idempotency keys."""
        return f"{self.role.value}:{self.sub}"


class TokenVerifier:
    """Verifies signature, expiry, issuer and audience; refuses `alg=none` and algorithm confusion."""

    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings
        self._jwks: jwt.PyJWKClient | None = None
        if settings.mode == "jwks":
            if not settings.jwks_url:
                raise ValueError("auth.mode=jwks needs auth.jwks_url")
            self._jwks = jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=600)

    def _key_and_algorithms(self, token: str) -> tuple[Any, list[str]]:
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token).key, ["RS256", "ES256"]
        return self.settings.local_key.get_secret_value(), ["HS256"]

    def verify(self, token: str) -> Principal:
        try:
            key, algorithms = self._key_and_algorithms(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway_seconds,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired", reason="expired") from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized("invalid token", reason="invalid") from exc
        try:
            role = Role(str(claims.get("role")))
        except ValueError as exc:
            raise Unauthorized("token has no known role", reason="invalid") from exc
        return Principal(
            sub=str(claims["sub"]), role=role, station_id=claims.get("station_id"), claims=claims
        )


def mint_token(
    settings: AuthSettings,
    role: Role | str,
    sub: str,
    station_id: str | None = None,
    ttl: int = 3600,
    extra: dict[str, Any] | None = None,
) -> str:
    """A token signed with the local key (embedded default and tests only)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": sub,
        "role": Role(role).value,
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    if station_id:
        claims["station_id"] = station_id
    claims.update(extra or {})
    return jwt.encode(claims, settings.local_key.get_secret_value(), algorithm="HS256")


_bearer = HTTPBearer(auto_error=False, description="JWT bearer token from the identity provider")


async def get_principal(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise Unauthorized("missing bearer token", reason="missing")
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(creds.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency admitting only the given roles (403 otherwise)."""
    allowed = frozenset(roles)

    async def dependency(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(f"role {principal.role.value} may not call this route")
        return principal

    return dependency
