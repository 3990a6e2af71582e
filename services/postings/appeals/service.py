"""Appeals against a reliability mark: the worker (or staff for them) explains; staff decide, and an
upheld appeal removes the mark from the worker's record."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.kit.auth import Principal, Role
from services.kit.pagination import PageParams
from services.postings import shard
from services.postings.access import scope
from services.postings.access.exceptions import NotYourAction, WrongState
from services.postings.appeals.exceptions import AlreadyAppealed, AppealNotFound, NoMarkToAppeal
from services.postings.appeals.models import Appeal
from services.postings.appeals.schemas import AppealRead
from services.postings.deps import Ctx
from services.postings.engagements.events import changed, touch
from services.postings.engagements.models import Engagement
from services.postings.listing import apply_page
from services.postings.notifications.service import Kind, Recipient, notify
from services.postings.reliability import service as reliability


def snapshot(appeal: Appeal) -> dict[str, Any]:
    return AppealRead.model_validate(appeal).model_dump(mode="json")


def _scoped(principal: Principal, ctx: Ctx) -> Any:
    return scope.condition(
        principal,
        ctx.settings,
        seeker=Appeal.seeker_id,
        employer=Appeal.employer_id,
        county=Appeal.county_adcode,
        station=Appeal.station_id,
    )


async def create(ctx: Ctx, principal: Principal, engagement: Engagement, reason: str) -> Appeal:
    """Contest the engagement's mark; one appeal per mark."""
    if not scope.acts_for_seeker(principal):
        raise NotYourAction()
    if engagement.worker_mark is None or engagement.mark_removed_at is not None:
        raise NoMarkToAppeal(current_status=engagement.status)
    if await ctx.session.scalar(
        select(Appeal.id).where(*shard.within(Appeal, engagement.county_adcode, engagement_id=engagement.id))
    ):
        raise AlreadyAppealed()
    now = ctx.clock.now()
    appeal = Appeal(
        id=shard.new_id(engagement.county_adcode),
        engagement_id=engagement.id,
        engagement_starts_at=engagement.starts_at,
        seeker_id=engagement.seeker_id,
        employer_id=engagement.employer_id,
        county_adcode=engagement.county_adcode,
        station_id=engagement.station_id,
        mark=engagement.worker_mark,
        reason=reason,
        status="pending",
        version=1,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(appeal)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:
        raise AlreadyAppealed() from exc
    ctx.emit("appeal.created", appeal.id, snapshot(appeal))
    notify(ctx, Recipient.COUNTY, appeal.county_adcode, Kind.APPEAL, appeal.id)
    if appeal.station_id is not None:
        notify(ctx, Recipient.STATION, appeal.station_id, Kind.APPEAL, appeal.id)
    await reliability.publish_worker(ctx, appeal.seeker_id)
    return appeal


async def get(ctx: Ctx, principal: Principal, appeal_id: uuid.UUID, *, for_update: bool = False) -> Appeal:
    if principal.role == Role.EMPLOYER:
        raise AppealNotFound()  # the worker's reasons are between them and the staff
    stmt = select(Appeal).where(*shard.on(Appeal.id, appeal_id))
    if (cond := _scoped(principal, ctx)) is not None:
        stmt = stmt.where(cond)
    if for_update:
        stmt = stmt.with_for_update(of=Appeal).execution_options(populate_existing=True)
    appeal = await ctx.session.scalar(stmt)
    if appeal is None:
        raise AppealNotFound()
    return appeal


async def list_(
    ctx: Ctx, principal: Principal, status: str | None, page: PageParams
) -> tuple[Sequence[Appeal], str | None]:
    stmt = select(Appeal)
    if (cond := _scoped(principal, ctx)) is not None:
        stmt = stmt.where(cond)
    if status is not None:
        stmt = stmt.where(Appeal.status == status)
    return await apply_page(ctx.session, stmt, Appeal, page)


async def decide(
    ctx: Ctx, principal: Principal, appeal_id: uuid.UUID, outcome: str, note: str | None
) -> Appeal:
    """Staff uphold (the mark is removed) or reject an appeal."""
    found = await get(ctx, principal, appeal_id)
    engagement = await ctx.session.get_one(
        Engagement,
        shard.key(found.engagement_id, found.county_adcode) | {"starts_at": found.engagement_starts_at},
        with_for_update=True,
    )
    appeal = await get(ctx, principal, appeal_id, for_update=True)
    if appeal.status != "pending":
        raise WrongState("decide", appeal.status)
    now = ctx.clock.now()
    appeal.status, appeal.decided_at, appeal.decided_by, appeal.decision_note = (
        outcome,
        now,
        principal.sub,
        note,
    )
    appeal.version += 1
    appeal.updated_at = now
    if outcome == "upheld":
        engagement.mark_removed_at = now
        touch(ctx, engagement)
        await changed(ctx, engagement, "engagement.mark_removed")
    await ctx.session.flush()
    ctx.emit(f"appeal.{outcome}", appeal.id, snapshot(appeal))
    notify(ctx, Recipient.SEEKER, appeal.seeker_id, Kind.APPEAL_DECIDED, appeal.id, outcome=outcome)
    await reliability.publish_worker(ctx, appeal.seeker_id)
    return appeal
