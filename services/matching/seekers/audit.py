"""The audit log of other people's access to a seeker's sensitive data and contact: names, never values."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal, Role
from services.kit.pagination import BadCursor, PageParams, encode_cursor
from services.matching.seekers.deps import Ctx
from services.matching.seekers.models import SeekerAudit


def is_self(principal: Principal, seeker_id: str) -> bool:
    return principal.role == Role.SEEKER and principal.sub == seeker_id


def record(
    ctx: Ctx,
    principal: Principal,
    seeker_id: str,
    action: str,
    fields: Sequence[str] = (),
    purpose: str | None = None,
) -> None:
    """One audit row: who (role, subject, station), which seeker, what, which fields, when, why."""
    ctx.session.add(
        SeekerAudit(
            id=uuid.uuid4(),
            seeker_id=seeker_id,
            at=ctx.clock.now(),
            action=action,
            actor_role=principal.role.value,
            actor_sub=principal.sub,
            actor_station=principal.station_id,
            fields=list(fields),
            purpose=purpose,
        )
    )


async def page(
    session: AsyncSession, seeker_id: str, params: PageParams
) -> tuple[list[SeekerAudit], str | None]:
    """Newest first, with the cursor of the next page (None at the end)."""
    stmt = select(SeekerAudit).where(SeekerAudit.seeker_id == seeker_id)
    if params.after is not None:
        try:
            at, last = datetime.fromisoformat(params.after[0]), uuid.UUID(params.after[1])
        except ValueError as exc:
            raise BadCursor() from exc
        stmt = stmt.where(or_(SeekerAudit.at < at, and_(SeekerAudit.at == at, SeekerAudit.id < last)))
    stmt = stmt.order_by(SeekerAudit.at.desc(), SeekerAudit.id.desc()).limit(params.limit + 1)
    rows = list((await session.scalars(stmt)).all())
    more, rows = len(rows) > params.limit, rows[: params.limit]
    return rows, encode_cursor(rows[-1].at, rows[-1].id) if more and rows else None
