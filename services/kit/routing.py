"""The route class every API route uses: one unit of work per request, with Idempotency-Key replay."""

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from services.kit import idempotency
from services.kit.auth import Principal, authenticate
from services.kit.db import WRITER
from services.kit.problems import ProblemError
from services.kit.standby import CONSISTENCY, PRIMARY_ROLES, READ_FROM_HEADER, Standby
from services.kit.uow import SESSION_SCOPE_KEY, commit, rollback

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IDEMPOTENCY_HEADER = "Idempotency-Key"


async def _principal(request: Request) -> Principal | None:
    """The bearer token's principal, or None (no token, or a refused one: the route's own auth answers)."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return await authenticate(request, token.strip())
    except ProblemError:
        return None


class UnitOfWorkRoute(APIRoute):
    """Opens the session, replays or records idempotent POSTs, commits before the response is sent."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            state = request.app.state
            writer = request.method not in SAFE_METHODS
            standby = None if writer else await self._standby_for(request)
            if standby is not None:
                replica_session = await standby.open_session()
                if replica_session is not None:
                    async with replica_session as session:
                        request.scope[SESSION_SCOPE_KEY] = session
                        try:
                            response = await handler(request)
                        finally:
                            await rollback(session)
                    response.headers[READ_FROM_HEADER] = standby.header()
                    return response
            keyed = await self._keyed(request) if writer else None
            if keyed is not None:
                # A replay only reads: answered before taking a writer's connection and (SQLite) the
                # write lock, so replays never queue behind writers or behind each other.
                async with state.sessionmaker() as reader:
                    replay = await idempotency.replay_stored(reader, state.idempotency_model, keyed)
                if replay is not None:
                    return replay
            if writer and keyed is None:
                # The whole body is in before the writer's connection is taken (and, on SQLite, its
                # write lock): a slow upload must not hold every other writer up while it trickles in.
                await request.body()
            sessionmaker = state.sessionmaker if writer else state.read_sessionmaker
            async with sessionmaker() as session:
                if writer:
                    await session.connection(execution_options=WRITER)
                request.scope[SESSION_SCOPE_KEY] = session
                try:
                    response = await self._run(request, session, handler, keyed)
                except BaseException:
                    await rollback(session)
                    raise
                if writer and response.status_code < 400:
                    await commit(session)
                else:
                    await rollback(session)
                if self._eventual:
                    response.headers[READ_FROM_HEADER] = "primary"
                return response

        return route_handler

    @property
    def _eventual(self) -> bool:
        return bool(self.openapi_extra) and (self.openapi_extra or {}).get(CONSISTENCY) == "eventual"

    async def _standby_for(self, request: Request) -> Standby | None:
        """The standby this read may use: an eventual route, a usable standby, not a primary role."""
        standby: Standby | None = getattr(request.app.state, "standby", None)
        if standby is None or not self._eventual or not standby.usable():
            return None
        primary_roles = (self.openapi_extra or {}).get(PRIMARY_ROLES) or ()
        if primary_roles:
            caller = await _principal(request)
            if caller is not None and caller.role.value in primary_roles:
                return None
        return standby

    async def _keyed(self, request: Request) -> idempotency.Keyed | None:
        """The POST's Idempotency-Key with its principal and fingerprint; None when it has none."""
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None or request.method != "POST":
            return None
        caller = await _principal(request)
        if caller is None:
            return None
        key = idempotency.validate_key(key)
        body = await request.body()
        fingerprint = idempotency.request_fingerprint(
            request.method, request.url.path, request.url.query, body
        )
        return idempotency.Keyed(str(caller.key), key, fingerprint, request.app.state.clock.now())

    async def _run(
        self,
        request: Request,
        session: Any,
        handler: Callable[[Request], Coroutine[Any, Any, Response]],
        keyed: idempotency.Keyed | None,
    ) -> Response:
        if keyed is None:
            return await handler(request)
        state = request.app.state
        model = state.idempotency_model
        replay = await idempotency.claim(session, model, keyed)  # again: a twin may have finished meanwhile
        if replay is not None:
            return replay
        response = await handler(request)
        if response.status_code < 400:
            ttl = timedelta(hours=state.settings.http.idempotency_ttl_hours)
            idempotency.store(session, model, keyed, response, ttl)
        return response
