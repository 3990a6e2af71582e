"""Notifications are written to an outbox in the same transaction as what caused them; the dispatcher
delivers them later. Only ids, times and amounts go in: contacts are the sender adapter's business."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from services.kit.auth import Principal, Role
from services.kit.pagination import PageParams
from services.postings.access import scope
from services.postings.deps import Ctx
from services.postings.listing import apply_page
from services.postings.notifications.models import Notification


class Recipient(StrEnum):
    SEEKER = "seeker"
    EMPLOYER = "employer"
    STATION = "station"
    COUNTY = "county"  # the county's staff desk


class Kind(StrEnum):
    BOOKING = "booking"
    BOOKING_REQUEST = "booking_request"
    APPLICATION_RECEIVED = "application_received"
    APPLICATION_DECIDED = "application_decided"
    SLOT_OFFERED = "slot_offered"
    REMINDER_DAY = "reminder_day"
    REMINDER_2H = "reminder_2h"
    CANCELLATION = "cancellation"
    NO_SHOW = "no_show"
    PAYMENT_DUE = "payment_due"
    PAYMENT_CHECK = "payment_check"
    DISPUTE = "dispute"
    APPEAL = "appeal"
    APPEAL_DECIDED = "appeal_decided"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def notify(
    ctx: Ctx, to: Recipient, recipient_id: object, kind: Kind, subject_id: object, **data: Any
) -> Notification:
    """Queue one message in this unit of work."""
    now = ctx.clock.now()
    message = Notification(
        id=uuid.uuid4(),
        recipient_kind=to.value,
        recipient_id=str(recipient_id),
        type=kind.value,
        subject_id=str(subject_id),
        data={k: _plain(v) for k, v in data.items() if v is not None},
        status="pending",
        not_before=now,
        attempts=0,
        created_at=now,
    )
    ctx.session.add(message)
    return message


async def _inbox(principal: Principal, ctx: Ctx) -> ColumnElement[bool] | None:
    kind, rid = Notification.recipient_kind, Notification.recipient_id
    if principal.role in scope.ALL_SEEING:
        return None
    if principal.role == Role.SEEKER:
        return and_(kind == Recipient.SEEKER.value, rid == principal.sub)
    if principal.role == Role.EMPLOYER:
        owned = [str(e) for e in await ctx.session.scalars(scope.owned_employers(principal))]
        return and_(kind == Recipient.EMPLOYER.value, rid.in_(owned))
    parts = []
    if principal.station_id is not None:
        parts.append(and_(kind == Recipient.STATION.value, rid == principal.station_id))
    if (county := scope.staff_county(principal, ctx.settings)) is not None:
        parts.append(and_(kind == Recipient.COUNTY.value, rid == county))
    return or_(*parts) if parts else false()


async def inbox(
    ctx: Ctx, principal: Principal, page: PageParams, kind: str | None
) -> tuple[Sequence[Notification], str | None]:
    """The caller's messages, newest first."""
    stmt = select(Notification)
    if (cond := await _inbox(principal, ctx)) is not None:
        stmt = stmt.where(cond)
    if kind is not None:
        stmt = stmt.where(Notification.type == kind)
    return await apply_page(ctx.session, stmt, Notification, page)
