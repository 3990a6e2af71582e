"""Unpaid-wage disputes: opened by a late not-paid report, seen and resolved by the county's staff."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select

from services.kit.auth import Principal
from services.kit.pagination import PageParams
from services.postings import shard
from services.postings.access import scope
from services.postings.access.exceptions import WrongState
from services.postings.deps import Ctx
from services.postings.disputes.exceptions import DisputeNotFound
from services.postings.disputes.models import Dispute
from services.postings.disputes.schemas import DisputeRead, DisputeResolve, Resolution
from services.postings.engagements.events import changed, tell, touch
from services.postings.engagements.models import Engagement
from services.postings.listing import apply_page
from services.postings.notifications.service import Kind
from services.postings.reliability import service as reliability


def snapshot(dispute: Dispute) -> dict[str, Any]:
    return DisputeRead.model_validate(dispute).model_dump(mode="json")


def _scoped(principal: Principal, ctx: Ctx) -> Any:
    return scope.condition(
        principal,
        ctx.settings,
        seeker=Dispute.seeker_id,
        employer=Dispute.employer_id,
        county=Dispute.county_adcode,
        station=Dispute.station_id,
    )


async def get(ctx: Ctx, principal: Principal, dispute_id: uuid.UUID) -> Dispute:
    stmt = select(Dispute).where(*shard.on(Dispute.id, dispute_id))
    if (cond := _scoped(principal, ctx)) is not None:
        stmt = stmt.where(cond)
    dispute = await ctx.session.scalar(stmt)
    if dispute is None:
        raise DisputeNotFound()
    return dispute


async def list_(
    ctx: Ctx, principal: Principal, status: str | None, page: PageParams
) -> tuple[Sequence[Dispute], str | None]:
    """Disputes the principal may see: staff those of their county (and their station's referrals)."""
    stmt = select(Dispute)
    if (cond := _scoped(principal, ctx)) is not None:
        stmt = stmt.where(cond)
    if status is not None:
        stmt = stmt.where(Dispute.status == status)
    return await apply_page(ctx.session, stmt, Dispute, page)


def _close(ctx: Ctx, dispute: Dispute, resolution: str, by: str, note: str | None) -> None:
    now = ctx.clock.now()
    dispute.status, dispute.resolution, dispute.resolved_at, dispute.resolved_by = (
        "resolved",
        resolution,
        now,
        by,
    )
    dispute.note = note or dispute.note
    dispute.version += 1
    dispute.updated_at = now
    ctx.emit("dispute.resolved", dispute.id, snapshot(dispute))


async def settle_for(ctx: Ctx, engagement: Engagement, by: str) -> None:
    """The worker confirmed payment: their open (or referred) dispute is resolved as paid."""
    stmt = (
        select(Dispute)
        .where(
            *shard.within(Dispute, engagement.county_adcode, engagement_id=engagement.id),
            or_(Dispute.status == "open", Dispute.resolution == Resolution.REFERRED.value),
        )
        .with_for_update()
    )
    dispute = await ctx.session.scalar(stmt)
    if dispute is not None:
        _close(ctx, dispute, Resolution.PAID.value, by, None)


async def resolve(ctx: Ctx, principal: Principal, dispute_id: uuid.UUID, body: DisputeResolve) -> Dispute:
    """Staff close a dispute; paid or unfounded marks the wage paid."""
    found = await get(ctx, principal, dispute_id)
    engagement = await ctx.session.get_one(
        Engagement,
        shard.key(found.engagement_id, found.county_adcode) | {"starts_at": found.engagement_starts_at},
        with_for_update=True,
    )
    dispute = await ctx.session.get_one(
        Dispute, shard.key(dispute_id, found.county_adcode), with_for_update=True, populate_existing=True
    )
    if dispute.status != "open":
        raise WrongState("resolve", dispute.status)
    _close(ctx, dispute, body.resolution.value, principal.sub, body.note)
    if body.resolution in (Resolution.PAID, Resolution.UNFOUNDED) and engagement.paid_at is None:
        engagement.paid_at = ctx.clock.now()
        if engagement.status == "disputed":
            engagement.status = "paid"
        touch(ctx, engagement)
        await changed(ctx, engagement, "engagement.paid")
    tell(ctx, engagement, Kind.DISPUTE)
    await reliability.publish_employer(ctx, dispute.employer_id)
    return dispute
