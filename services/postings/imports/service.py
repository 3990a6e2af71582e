"""Bulk import: canonical records upserted on (source, external_id), one savepoint per row."""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.kit.auth import Principal
from services.kit.clock import as_utc
from services.kit.problems import ProblemError
from services.postings import shard
from services.postings.deps import Ctx
from services.postings.employers import service as employers
from services.postings.employers.models import Employer
from services.postings.employers.schemas import EmployerCreate
from services.postings.feed import service as feed
from services.postings.imports.formats import RawRow
from services.postings.postings import service as postings
from services.postings.postings.models import Posting, PostingExternalId
from services.postings.postings.schemas import PostingCreate, PostingUpdate
from services.postings.shifts.models import Shift
from services.postings.shifts.schemas import ShiftCreate
from services.postings.shifts.service import build as build_shifts

ENVELOPE = ("external_id", "employer", "status", "published_at")
UPDATABLE = tuple(PostingUpdate.model_fields)


@dataclass(slots=True)
class RowResult:
    line: int
    external_id: str | None
    outcome: str  # created | updated | unchanged | rejected
    posting_id: str | None = None
    reason: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "external_id": self.external_id, "outcome": self.outcome}
        if self.posting_id:
            out["posting_id"] = self.posting_id
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(slots=True)
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejected_by_code: dict[str, int] = field(default_factory=dict)

    def add(self, result: RowResult) -> None:
        setattr(self, result.outcome, getattr(self, result.outcome) + 1)
        if result.reason:
            code = str(result.reason.get("code"))
            self.rejected_by_code[code] = self.rejected_by_code.get(code, 0) + 1


class RowRejected(Exception):
    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.reason = {"code": code, "message": message, **extra}


def content_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(record, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"]} for e in exc.errors()[:10]]


async def _employer(ctx: Ctx, source: str, body: EmployerCreate) -> Employer:
    if body.uscc:
        stmt = select(Employer).where(Employer.uscc == body.uscc)
    else:
        stmt = select(Employer).where(Employer.source == source, Employer.name == body.name)
    found = await ctx.session.scalar(stmt.limit(1))
    if found is not None:
        return found
    now = ctx.clock.now()
    employer = Employer(
        id=uuid.uuid4(),
        owner_sub=f"import:{source}",
        name=body.name,
        kind=body.kind.value,
        uscc=body.uscc,
        county_adcode=body.county_adcode,
        verified=False,
        source=source,
        version=1,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(employer)
    await ctx.session.flush()
    ctx.emit("employer.created", employer.id, employers.snapshot(employer))
    return employer


def _split(record: dict[str, Any]) -> tuple[EmployerCreate, dict[str, Any], str]:
    posting = {k: v for k, v in record.items() if k not in ENVELOPE}
    status = record.get("status") or "open"
    if status not in ("open", "draft"):
        raise RowRejected("bad_status", "status must be open or draft")
    try:
        employer = EmployerCreate.model_validate(record.get("employer") or {})
    except ValidationError as exc:
        raise RowRejected("invalid_employer", "the employer is not valid", errors=_errors(exc)) from exc
    return employer, posting, status


async def _sync_shifts(ctx: Ctx, posting: Posting, bodies: list[ShiftCreate]) -> None:
    wanted = {(b.starts_at, b.ends_at): b for b in bodies}
    kept: list[Shift] = []
    for shift in posting.shifts:
        key = (as_utc(shift.starts_at), as_utc(shift.ends_at))
        body = wanted.pop(key, None)
        if body is not None:
            shift.headcount = max(body.headcount, shift.filled)
            kept.append(shift)
        elif shift.filled > 0:
            kept.append(shift)
    posting.shifts = kept + build_shifts(ctx, posting, list(wanted.values()))


async def _imported(ctx: Ctx, source: str, external_id: str) -> Posting | None:
    """The posting imported under this key: found by its place, then read on its county's shard."""
    place = await ctx.session.get(PostingExternalId, (source, external_id))
    if place is None:
        return None
    return await ctx.session.scalar(
        select(Posting)
        .where(*shard.within(Posting, place.county_adcode, id=place.posting_id))
        .options(selectinload(Posting.shifts))
    )


async def _upsert(ctx: Ctx, principal: Principal, source: str, raw: RawRow) -> RowResult:
    record = raw.record or {}
    external_id = str(record.get("external_id") or raw.external_id or "")
    if not external_id or len(external_id) > 128:
        raise RowRejected("missing_external_id", "every row needs an external_id of 1-128 characters")
    digest = content_hash(record)
    existing = await _imported(ctx, source, external_id)
    if existing is not None and existing.content_hash == digest:
        return RowResult(raw.line, external_id, "unchanged", str(existing.id))
    employer_body, fields, status = _split(record)
    employer = await _employer(ctx, source, employer_body)
    try:
        body = PostingCreate.model_validate(fields | {"employer_id": str(employer.id)})
    except ValidationError as exc:
        raise RowRejected("validation_failed", "the posting is not valid", errors=_errors(exc)) from exc
    if existing is None:
        posting = await postings.create(
            ctx, principal, body, status=status, source=source, external_id=external_id
        )
        posting.content_hash = digest
        return RowResult(raw.line, external_id, "created", str(posting.id))
    update = PostingUpdate.model_validate(body.model_dump(mode="json", include=set(UPDATABLE)))
    await _sync_shifts(ctx, existing, body.shifts)
    await postings.update(ctx, existing, update)
    existing.content_hash = digest
    return RowResult(raw.line, external_id, "updated", str(existing.id))


async def import_row(
    ctx: Ctx, principal: Principal, source: str, raw: RawRow, *, row_source_wins: bool = False
) -> RowResult:
    """One row, all or nothing: a rejected row leaves no trace but its line in the report.

    `row_source_wins`: a row that names its own source (the platform of a shared file) is upserted
    under that source rather than the default one.
    """
    if row_source_wins and raw.source:
        source = raw.source
    if raw.error is not None:
        reason = {"code": raw.error.code, "message": raw.error.message}
        return RowResult(raw.line, raw.external_id, "rejected", reason=reason)
    savepoint = await ctx.session.begin_nested()
    queued = feed.mark(ctx.session)
    try:
        result = await _upsert(ctx, principal, source, raw)
        await ctx.session.flush()
    except (RowRejected, ProblemError) as exc:
        await savepoint.rollback()
        feed.discard_after(ctx.session, queued)
        reason = exc.reason if isinstance(exc, RowRejected) else exc.body()
        return RowResult(raw.line, raw.external_id, "rejected", reason=_trim(reason))
    await savepoint.commit()
    return result


def _trim(reason: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in reason.items() if k not in ("type", "title_zh", "status")}
