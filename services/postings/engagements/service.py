"""Engagements: booking a shift, reading and listing them."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from services.kit.auth import Principal
from services.kit.pagination import PageParams
from services.postings import shard
from services.postings.access import scope
from services.postings.access.actor import Actor
from services.postings.applications import service as applications
from services.postings.applications.models import Application
from services.postings.deps import Ctx
from services.postings.engagements import booking
from services.postings.engagements.events import announce_booking
from services.postings.engagements.exceptions import EngagementNotFound
from services.postings.engagements.models import Engagement
from services.postings.listing import apply_page
from services.postings.shifts.exceptions import ShiftNotFound


@dataclass(frozen=True, slots=True)
class EngagementFilters:
    status: str | None = None
    posting_id: uuid.UUID | None = None
    shift_id: uuid.UUID | None = None
    seeker_id: str | None = None


async def book(
    ctx: Ctx, principal: Principal, actor: Actor, shift_id: uuid.UUID, note: str | None
) -> Engagement | Application:
    """Book a slot (instant shifts) or ask for one (review shifts)."""
    await booking.lock_worker(ctx, actor.seeker_id)
    shift, posting = await booking.load_seat(ctx, shift_id)
    if posting.status == "draft" and principal.role not in scope.ON_BEHALF:
        raise ShiftNotFound()
    booking.check_bookable(ctx, shift, posting)
    if posting.booking == "review":
        return await applications.request_shift(ctx, actor, shift, posting, note)
    await booking.check_free(ctx, actor.seeker_id, shift)
    await booking.take_slot(ctx, shift)
    engagement = await booking.seat(
        ctx,
        shift,
        posting,
        actor.seeker_id,
        source=actor.source,
        station_id=actor.station_id,
        referred_by=actor.referred_by,
    )
    announce_booking(ctx, engagement, offered=False)
    return engagement


def _scoped(principal: Principal, ctx: Ctx) -> Any:
    return scope.condition(
        principal,
        ctx.settings,
        seeker=Engagement.seeker_id,
        employer=Engagement.employer_id,
        county=Engagement.county_adcode,
        station=Engagement.station_id,
    )


async def get(
    ctx: Ctx, principal: Principal, engagement_id: uuid.UUID, *, for_update: bool = False
) -> Engagement:
    """The engagement if the principal is a party to it or oversees it (else 404)."""
    stmt = select(Engagement).where(*shard.on(Engagement.id, engagement_id))
    if (cond := _scoped(principal, ctx)) is not None:
        stmt = stmt.where(cond)
    if for_update:
        stmt = stmt.with_for_update(of=Engagement)
    engagement = await ctx.session.scalar(stmt)
    if engagement is None:
        raise EngagementNotFound()
    return engagement


async def list_(
    ctx: Ctx, principal: Principal, filters: EngagementFilters, page: PageParams
) -> tuple[Sequence[Engagement], str | None]:
    stmt = select(Engagement)
    if (cond := _scoped(principal, ctx)) is not None:
        stmt = stmt.where(cond)
    for column, value in (
        (Engagement.status, filters.status),
        (Engagement.posting_id, filters.posting_id),
        (Engagement.shift_id, filters.shift_id),
        (Engagement.seeker_id, filters.seeker_id),
    ):
        if value is not None:  # a posting's or shift's id brings its county: one shard
            stmt = stmt.where(*shard.on(column, value) if isinstance(value, uuid.UUID) else [column == value])
    return await apply_page(ctx.session, stmt, Engagement, page)
