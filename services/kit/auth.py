"""JWT bearer authentication (PyJWT) and role checks."""

import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.kit.clock import Clock, SystemClock
from services.kit.jwks import JwksKeySet
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
    """Verifies signature, expiry, issuer and audience; refuses `alg=none` and algorithm confusion.

    Every refusal is a 401 whose `reason` is stable: malformed, unknown_key, disallowed_algorithm,
    bad_signature, expired, wrong_audience, wrong_issuer, missing_claim, unknown_role.
    """

    def __init__(
        self,
        settings: AuthSettings,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.jwks: JwksKeySet | None = None
        if settings.mode == "jwks":
            if not settings.jwks_url:
                raise ValueError("auth.mode=jwks needs auth.jwks_url")
            source = clock or SystemClock()
            self.jwks = JwksKeySet(
                settings.jwks_url,
                now=lambda: source.now().timestamp(),
                max_age=settings.jwks_max_age_seconds,
                min_refresh=settings.jwks_min_refresh_seconds,
                timeout=settings.jwks_timeout_seconds,
                transport=transport,
            )

    async def authenticate(self, token: str) -> Principal:
        """Verify a token, first fetching the identity provider's keys if they are stale or unknown."""
        if self.jwks is not None:
            await self.jwks.ensure(_header(token).get("kid"))
        return self.verify(token)

    def _key_and_algorithms(self, header: dict[str, Any]) -> tuple[Any, list[str]]:
        if self.jwks is None:
            return self.settings.local_key.get_secret_value(), ["HS256"]
        kid = header.get("kid")
        jwk = self.jwks.get(kid) if isinstance(kid, str) else None
        if jwk is None:
            raise Unauthorized("the token's signing key is not published", reason="unknown_key")
        return jwk.key, [str(jwk.algorithm_name)]

    def verify(self, token: str) -> Principal:
        """Verify against the keys already held (no I/O); `authenticate` is the usual entry."""
        key, algorithms = self._key_and_algorithms(_header(token))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway_seconds,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            detail, reason = _refusal(exc)
            raise Unauthorized(detail, reason=reason) from exc
        try:
            role = Role(str(claims.get("role")))
        except ValueError as exc:
            raise Unauthorized("token has no known role", reason="unknown_role") from exc
        return Principal(
            sub=str(claims["sub"]), role=role, station_id=claims.get("station_id"), claims=claims
        )


_REFUSALS: dict[type[Exception], tuple[str, str]] = {
    jwt.ExpiredSignatureError: ("token expired", "expired"),
    jwt.InvalidAudienceError: ("token is for another audience", "wrong_audience"),
    jwt.InvalidIssuerError: ("token is from another issuer", "wrong_issuer"),
    jwt.MissingRequiredClaimError: ("token lacks a required claim", "missing_claim"),
    jwt.InvalidAlgorithmError: ("token algorithm is not allowed", "disallowed_algorithm"),
    jwt.InvalidSignatureError: ("token signature does not verify", "bad_signature"),
}


def _refusal(exc: Exception) -> tuple[str, str]:
    for kind, refusal in _REFUSALS.items():
        if isinstance(exc, kind):
            return refusal
    return "token is not a valid JWT", "malformed"


def _header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized("token is not a JWT", reason="malformed") from exc
    if str(header.get("alg", "")).lower() == "none":
        raise Unauthorized("unsigned tokens are refused", reason="disallowed_algorithm")
    return header


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


PRINCIPAL_SCOPE_KEY = "lingong.principal"


async def authenticate(request: Request, token: str) -> Principal:
    """The request's principal, verified once per request (middleware and routes share the outcome)."""
    cached = request.scope.get(PRINCIPAL_SCOPE_KEY)
    if cached is None or cached[0] != token:
        verifier: TokenVerifier = request.app.state.token_verifier
        try:
            outcome: Principal | Unauthorized = await verifier.authenticate(token)
        except Unauthorized as exc:
            outcome = exc
        cached = (token, outcome)
        request.scope[PRINCIPAL_SCOPE_KEY] = cached
    if isinstance(cached[1], Unauthorized):
        raise cached[1]
    principal: Principal = cached[1]
    return principal


_bearer = HTTPBearer(auto_error=False, description="JWT bearer token from the identity provider")


async def get_principal(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise Unauthorized("missing bearer token", reason="missing")
    return await authenticate(request, creds.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency admitting only the given roles (403 otherwise)."""
    allowed = frozenset(roles)

    async def dependency(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(f"role {principal.role.value} may not call this route")
        return principal

    return dependency
