"""Idempotency-Key: stored per principal and key, in the same transaction as the effect."""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from starlette.responses import Response

from services.kit.clock import as_utc
from services.kit.db import is_postgres
from services.kit.problems import Conflict, InvalidInput

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("etag", "location", "content-type")


class IdempotencyKeyReused(InvalidInput):
    code, title = "idempotency_key_reused", "This Idempotency-Key was used with a different request"
    title_zh = "该幂等键已用于另一个请求"


class IdempotencyInProgress(Conflict):
    code, title = "idempotency_in_progress", "A request with this Idempotency-Key is still running"
    title_zh = "使用该幂等键的请求仍在处理中"


class BadIdempotencyKey(InvalidInput):
    code, title = "bad_idempotency_key", "Idempotency-Key must be 1-200 printable ASCII characters"
    title_zh = "幂等键必须是1-200个可打印ASCII字符"


class IdempotencyRecordMixin:
    """Columns of the per-service idempotency table; each service maps it on its own Base."""

    __tablename__ = "idempotency_keys"

    principal: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[bytes] = mapped_column(LargeBinary)
    response_headers: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def validate_key(key: str) -> str:
    if not KEY_PATTERN.match(key):
        raise BadIdempotencyKey()
    return key


def request_fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class Keyed:
    """One request carrying an Idempotency-Key: whose it is, the key, what was asked, and when."""

    principal: str
    key: str
    fingerprint: str
    now: datetime


def _lock_id(keyed: Keyed) -> int:
    raw = hashlib.sha256(f"idem\x00{keyed.principal}\x00{keyed.key}".encode()).digest()[:8]
    return int.from_bytes(raw, "big", signed=True)


async def _find(
    session: AsyncSession, model: type[IdempotencyRecordMixin], keyed: Keyed
) -> IdempotencyRecordMixin | None:
    return await session.scalar(
        select(model).where(model.principal == keyed.principal, model.key == keyed.key)
    )


def _live(record: IdempotencyRecordMixin, keyed: Keyed) -> bool:
    return as_utc(record.expires_at) > keyed.now


async def _stored(
    session: AsyncSession, model: type[IdempotencyRecordMixin], keyed: Keyed
) -> IdempotencyRecordMixin | None:
    record = await _find(session, model, keyed)
    if record is not None and not _live(record, keyed):  # an expired record makes way for this request
        await session.execute(delete(model).where(model.principal == keyed.principal, model.key == keyed.key))
        return None
    return record


def _replay(record: IdempotencyRecordMixin, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    headers: dict[str, str] = json.loads(record.response_headers)
    headers[REPLAYED_HEADER] = "true"
    return Response(record.response_body, status_code=record.status_code, headers=headers)


async def replay_stored(
    session: AsyncSession, model: type[IdempotencyRecordMixin], keyed: Keyed
) -> Response | None:
    """The stored response to replay, read without any lock; None when there is none (yet)."""
    record = await _find(session, model, keyed)
    if record is None or not _live(record, keyed):
        return None
    return _replay(record, keyed.fingerprint)


async def claim(session: AsyncSession, model: type[IdempotencyRecordMixin], keyed: Keyed) -> Response | None:
    """The stored response to replay, or None when this request should run (the key is then held)."""
    record = await _stored(session, model, keyed)
    if record is not None:
        return _replay(record, keyed.fingerprint)
    if is_postgres(session):
        # Held to the end of the transaction: a twin arriving meanwhile is told it is still running.
        got = await session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _lock_id(keyed)})
        if not got:
            raise IdempotencyInProgress()
        record = await _stored(session, model, keyed)  # the twin may have committed meanwhile
        if record is not None:
            return _replay(record, keyed.fingerprint)
    return None


def store(
    session: AsyncSession,
    model: type[IdempotencyRecordMixin],
    keyed: Keyed,
    response: Response,
    ttl: timedelta,
) -> None:
    headers: dict[str, Any] = {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS}
    session.add(
        model(  # type: ignore[call-arg]
            principal=keyed.principal,
            key=keyed.key,
            request_hash=keyed.fingerprint,
            status_code=response.status_code,
            response_body=bytes(response.body),
            response_headers=json.dumps(headers),
            created_at=keyed.now,
            expires_at=keyed.now + ttl,
        )
    )


async def purge_expired(session: AsyncSession, model: type[IdempotencyRecordMixin], now: datetime) -> int:
    result = await session.execute(delete(model).where(model.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
