"""Staff overrides, stored: who pinned or hid which posting for which seeker, when, from which station,
and why. A new override for the same posting ends the one before it; revoking ends one."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BindParameter, ColumnElement, String, and_, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal, Role
from services.kit.clock import as_utc
from services.kit.pagination import BadCursor, PageParams, encode_cursor
from services.kit.problems import Forbidden
from services.matching.ranking.overrides import Override
from services.matching.serving.exceptions import OverrideChanged, OverrideNotFound
from services.matching.serving.models import MatchOverride
from services.matching.serving.schemas import OverrideCreate, OverrideRead

# Who pins, hides and revokes: station staff, whose name and station the override records. Admins
# read overrides but make none, through the API and the console alike.
OVERRIDERS = frozenset({Role.STAFF})


def may_override(principal: Principal) -> bool:
    return principal.role in OVERRIDERS


def require_overrider(principal: Principal) -> None:
    """The API's answer to anyone else (its route admits staff only): 403."""
    if not may_override(principal):
        raise Forbidden(f"role {principal.role.value} may not call this route")


def _live(seeker_id: str | BindParameter[str]) -> tuple[ColumnElement[bool], ...]:
    return (MatchOverride.seeker_id == seeker_id, MatchOverride.revoked_at.is_(None))


def _end(row: MatchOverride, principal: Principal, now: datetime) -> None:
    row.revoked_at = now
    row.revoked_by_sub = principal.sub
    row.revoked_by_station = principal.station_id


async def create(
    session: AsyncSession, principal: Principal, seeker_id: str, body: OverrideCreate, now: datetime
) -> MatchOverride:
    """Record a pin or hide; the live override of the same posting, if any, ends now."""
    before = await session.scalar(
        select(MatchOverride)
        .where(*_live(seeker_id), MatchOverride.posting_id == body.posting_id)
        .with_for_update()
    )
    if before is not None:
        _end(before, principal, now)
        await session.flush()
    row = MatchOverride(
        id=uuid.uuid4(),
        seeker_id=seeker_id,
        posting_id=body.posting_id,
        action=body.action,
        reason=body.reason,
        staff_sub=principal.sub,
        station_id=principal.station_id,
        created_at=now,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:  # the same posting overridden concurrently
        raise OverrideChanged() from exc
    return row


async def revoke(
    session: AsyncSession, principal: Principal, seeker_id: str, override_id: uuid.UUID, now: datetime
) -> MatchOverride:
    row = await session.scalar(
        select(MatchOverride).where(*_live(seeker_id), MatchOverride.id == override_id).with_for_update()
    )
    if row is None:
        raise OverrideNotFound()
    _end(row, principal, now)
    await session.flush()
    return row


# Built once (asked on every matches request): the seeker is a bound parameter.
_LIVE = (
    select(MatchOverride)
    .where(*_live(bindparam("seeker_id", type_=String)))
    .order_by(MatchOverride.created_at, MatchOverride.id)
)


async def live(session: AsyncSession, seeker_id: str) -> list[MatchOverride]:
    """The seeker's live overrides, oldest first."""
    rows = await session.scalars(_LIVE, {"seeker_id": seeker_id})
    return list(rows.all())


def for_ranking(rows: Sequence[MatchOverride]) -> list[Override]:
    return [
        Override(
            posting_id=str(r.posting_id),
            action="pin" if r.action == "pin" else "hide",
            reason=r.reason,
            staff_sub=r.staff_sub,
            at=as_utc(r.created_at),
        )
        for r in rows
    ]


async def page(
    session: AsyncSession, seeker_id: str, params: PageParams
) -> tuple[list[MatchOverride], str | None]:
    """Every override of the seeker, live and ended, newest first, keyset pages on (created_at, id)."""
    stmt = select(MatchOverride).where(MatchOverride.seeker_id == seeker_id)
    if params.after is not None:
        try:
            at, last = datetime.fromisoformat(params.after[0]), uuid.UUID(params.after[1])
        except ValueError as exc:
            raise BadCursor() from exc
        stmt = stmt.where(
            or_(MatchOverride.created_at < at, and_(MatchOverride.created_at == at, MatchOverride.id < last))
        )
    stmt = stmt.order_by(MatchOverride.created_at.desc(), MatchOverride.id.desc()).limit(params.limit + 1)
    rows = list((await session.scalars(stmt)).all())
    more, rows = len(rows) > params.limit, rows[: params.limit]
    return rows, encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None


def to_read(row: MatchOverride) -> OverrideRead:
    return OverrideRead(
        id=row.id,
        seeker_id=row.seeker_id,
        posting_id=row.posting_id,
        action="pin" if row.action == "pin" else "hide",
        reason=row.reason,
        staff_sub=row.staff_sub,
        station_id=row.station_id,
        created_at=row.created_at,
        active=row.revoked_at is None,
        revoked_at=row.revoked_at,
        revoked_by_sub=row.revoked_by_sub,
    )
