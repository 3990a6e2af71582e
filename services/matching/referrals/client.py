"""A typed client for the postings service's seeker-side writes, made as a member of staff.

Staff refer a seeker to a job (`apply`) or book a gig shift for them (`book`) with their own bearer
token, so the postings service records the station from the token, exactly as the mobile client would.
Every attempt of one call sends the same `Idempotency-Key`, so a retry after a lost answer (or a double
click) books once. A refusal comes back as a `Refused` value the caller can show per worker; only a
postings service that cannot be reached raises (`PostingsUnreachable`). Nothing here logs a token.
"""

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from services.kit.http import client as http_client
from services.kit.tracing import instrument_client
from services.matching.referrals.config import ReferralSettings
from services.matching.referrals.exceptions import PostingsRefused, PostingsUnreachable

if TYPE_CHECKING:
    from services.kit.tracing_sdk import Tracing

log = logging.getLogger("lingong.referrals.client")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IN_PROGRESS = frozenset({"idempotency_in_progress"})  # the twin request is still running there
LIST_PAGE = 100
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Done:
    """The postings service did it: `applied` (a job), `booked` or `requested` (a gig shift)."""

    outcome: str
    posting_id: uuid.UUID
    application_id: uuid.UUID | None
    engagement_id: uuid.UUID | None
    replayed: bool
    body: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Refused:
    """The postings service said no, with its problem code (shift_full, already_applied, …)."""

    status: int
    code: str
    title: str
    title_zh: str
    detail: str | None = None

    def error(self) -> PostingsRefused:
        return PostingsRefused(self.status, self.code, self.title, self.title_zh, upstream_detail=self.detail)


Answer = Done | Refused


def _refused(response: httpx.Response) -> Refused:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return Refused(
        status=response.status_code,
        code=str(body.get("code") or f"http_{response.status_code}"),
        title=str(body.get("title") or "Refused by the postings service"),
        title_zh=str(body.get("title_zh") or "岗位服务拒绝了请求"),
        detail=body.get("detail") if isinstance(body.get("detail"), str) else None,
    )


def _done(response: httpx.Response) -> Done:
    body: dict[str, Any] = response.json()
    replayed = response.headers.get("Idempotent-Replayed") == "true"
    if "outcome" in body:  # a BookingRead
        engagement, application = body.get("engagement"), body.get("application")
        source = engagement or application or {}
        return Done(
            outcome=str(body["outcome"]),
            posting_id=uuid.UUID(str(source["posting_id"])),
            application_id=uuid.UUID(str(application["id"])) if application else None,
            engagement_id=uuid.UUID(str(engagement["id"])) if engagement else None,
            replayed=replayed,
            body=body,
        )
    return Done(
        "applied", uuid.UUID(str(body["posting_id"])), uuid.UUID(str(body["id"])), None, replayed, body
    )


class PostingsActions:
    """Open once in the lifespan (`app.state.postings_actions`), close with `aclose`."""

    def __init__(
        self,
        base_url: str,
        settings: ReferralSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        tracing: "Tracing | None" = None,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._http = instrument_client(
            tracing,
            http_client(
                base_url=base_url,
                transport=transport,
                timeout=httpx.Timeout(
                    settings.read_timeout_seconds, connect=settings.connect_timeout_seconds
                ),
                headers={"Accept": "application/json", "User-Agent": "lingong-matching/0.1"},
                follow_redirects=False,
            ),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def list_for_seeker(
        self, token: str, what: str, seeker_id: str, limit: int
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to `limit` of a seeker's `what` ("applications" or "engagements") as the postings service
        holds them, and whether there were more (for the export of everything held about a seeker).
        Raises `PostingsUnreachable` when the postings service cannot answer."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params = {"seeker_id": seeker_id, "limit": str(min(LIST_PAGE, limit))}
            if cursor:
                params["cursor"] = cursor
            try:
                response = await self._http.get(
                    f"/v1/{what}", params=params, headers={"Authorization": f"Bearer {token}"}
                )
            except httpx.RequestError as exc:
                raise PostingsUnreachable(cause=type(exc).__name__) from exc
            if response.status_code != 200:
                raise PostingsUnreachable(cause=f"HTTP {response.status_code}")
            body = response.json()
            items.extend(body.get("items") or [])
            cursor = body.get("next_cursor")
            if not cursor or len(items) >= limit:
                return items[:limit], bool(cursor) or len(items) > limit

    async def erase_seeker(self, token: str, seeker_id: str, pseudonym: str) -> dict[str, Any]:
        """Pass a seeker's erasure on (POST /v1/seekers/{id}/erasure, idempotent): the postings service's
        answer on success. One attempt: the caller retries later. Raises `PostingsUnreachable` for any
        other answer, with its status and problem code as the cause."""
        try:
            response = await self._http.post(
                f"/v1/seekers/{quote(seeker_id, safe='')}/erasure",
                json={"pseudonym": pseudonym},
                headers={"Authorization": f"Bearer {token}"},  # idempotent by itself: no key
            )
        except httpx.RequestError as exc:
            raise PostingsUnreachable(cause=type(exc).__name__) from exc
        if response.status_code != 200:
            cause = f"HTTP {response.status_code} {_refused(response).code}"
            raise PostingsUnreachable(cause=cause)
        body: dict[str, Any] = response.json()
        return body

    async def apply(
        self,
        token: str,
        posting_id: uuid.UUID,
        seeker_id: str,
        station_id: str | None,
        note: str | None,
        idempotency_key: str,
    ) -> Answer:
        """Apply to a job for the seeker (POST /v1/postings/{id}/applications)."""
        body: dict[str, Any] = {"seeker_id": seeker_id}
        if station_id is not None:
            body["station_id"] = station_id
        if note:
            body["note"] = note
        return await self._post(f"/v1/postings/{posting_id}/applications", body, token, idempotency_key)

    async def book(self, token: str, shift_id: uuid.UUID, seeker_id: str, idempotency_key: str) -> Answer:
        """Book a gig shift for the seeker (POST /v1/shifts/{id}/bookings)."""
        return await self._post(
            f"/v1/shifts/{shift_id}/bookings", {"seeker_id": seeker_id}, token, idempotency_key
        )

    async def _post(self, path: str, body: dict[str, Any], token: str, key: str) -> Answer:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        attempt, waited = 0, 0.0
        while True:
            try:
                response = await self._http.post(path, json=body, headers=headers)
            except httpx.RequestError as exc:
                cause = type(exc).__name__
            else:
                if response.status_code < 300:
                    return _done(response)
                refused = _refused(response)
                if refused.code in IN_PROGRESS and waited < self._settings.in_progress_wait_seconds:
                    waited += self._settings.in_progress_poll_seconds
                    await self._sleep(self._settings.in_progress_poll_seconds)
                    continue
                if response.status_code not in RETRY_STATUSES:
                    return refused
                cause = f"HTTP {response.status_code} {refused.code}"
            attempt += 1
            if attempt >= self._settings.max_attempts:
                raise PostingsUnreachable(f"gave up after {attempt} attempts ({cause})", cause=cause)
            log.info("postings write failed; retrying with the same key", extra={"cause": cause})
            await self._sleep(self._settings.backoff_seconds * attempt)


def raise_refused(answer: Answer) -> Done:
    """The answer if it is a `Done`; a refusal raised as our problem (for JSON routes)."""
    if isinstance(answer, Refused):
        raise answer.error()
    return answer
