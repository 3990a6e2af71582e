"""Applications to jobs and booking requests on review-mode shifts: applied → accepted | rejected |
withdrawn. Accepting a booking request books the shift (engagements/booking.py)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.kit.auth import Principal
from services.kit.pagination import PageParams
from services.postings import shard
from services.postings.access import scope
from services.postings.access.actor import Actor
from services.postings.access.exceptions import NotYourAction, WrongState
from services.postings.applications.exceptions import AlreadyApplied, ApplicationNotFound, NotAJob
from services.postings.applications.models import Application
from services.postings.applications.schemas import ApplicationRead
from services.postings.deps import Ctx
from services.postings.engagements import booking
from services.postings.engagements.events import announce_booking
from services.postings.engagements.exceptions import PostingNotOpen
from services.postings.engagements.models import Engagement
from services.postings.listing import apply_page
from services.postings.notifications.service import Kind, Recipient, notify
from services.postings.postings.models import Posting
from services.postings.shifts.models import Shift

OPEN_JOB = ("applied", "accepted")


@dataclass(frozen=True, slots=True)
class ApplicationFilters:
    status: str | None = None
    posting_id: uuid.UUID | None = None
    shift_id: uuid.UUID | None = None
    seeker_id: str | None = None


def snapshot(application: Application) -> dict[str, Any]:
    return ApplicationRead.model_validate(application).model_dump(mode="json")


def _new(ctx: Ctx, posting: Posting, shift: Shift | None, actor: Actor, note: str | None) -> Application:
    now = ctx.clock.now()
    application = Application(
        id=shard.new_id(posting.county_adcode),
        posting_id=posting.id,
        shift_id=shift.id if shift else None,
        employer_id=posting.employer_id,
        county_adcode=posting.county_adcode,
        seeker_id=actor.seeker_id,
        status="applied",
        source=actor.source,
        station_id=actor.station_id,
        referred_by=actor.referred_by,
        note=note,
        version=1,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(application)
    return application


async def _insert(ctx: Ctx, application: Application, existing: uuid.UUID | None) -> Application:
    if existing is not None:
        raise AlreadyApplied(application_id=str(existing))
    try:
        await ctx.session.flush()
    except IntegrityError as exc:  # the partial unique index; reached only if a lock were bypassed
        raise AlreadyApplied() from exc
    ctx.emit("application.created", application.id, snapshot(application))
    kind = Kind.BOOKING_REQUEST if application.shift_id else Kind.APPLICATION_RECEIVED
    notify(ctx, Recipient.EMPLOYER, application.employer_id, kind, application.id)
    return application


async def apply(ctx: Ctx, actor: Actor, posting: Posting, note: str | None) -> Application:
    """A seeker's application to an open job."""
    if posting.kind != "job":
        raise NotAJob()
    if posting.status != "open":
        raise PostingNotOpen(current_status=posting.status)
    await booking.lock_worker(ctx, actor.seeker_id)
    existing = await ctx.session.scalar(
        select(Application.id).where(
            *shard.within(Application, posting.county_adcode, posting_id=posting.id),
            Application.seeker_id == actor.seeker_id,
            Application.shift_id.is_(None),
            Application.status.in_(OPEN_JOB),
        )
    )
    return await _insert(ctx, _new(ctx, posting, None, actor, note), existing)


async def request_shift(
    ctx: Ctx, actor: Actor, shift: Shift, posting: Posting, note: str | None
) -> Application:
    """A booking request on a review-mode shift (the worker lock is held by the caller)."""
    await booking.check_free(ctx, actor.seeker_id, shift)
    existing = await ctx.session.scalar(
        select(Application.id).where(
            *shard.within(Application, shift.county_adcode, shift_id=shift.id),
            Application.seeker_id == actor.seeker_id,
            Application.status == "applied",
        )
    )
    return await _insert(ctx, _new(ctx, posting, shift, actor, note), existing)


async def get(
    ctx: Ctx, principal: Principal, application_id: uuid.UUID, *, for_update: bool = False
) -> Application:
    """The application if the principal may see it (else 404)."""
    stmt = select(Application).where(*shard.on(Application.id, application_id))
    cond = scope.condition(
        principal,
        ctx.settings,
        seeker=Application.seeker_id,
        employer=Application.employer_id,
        county=Application.county_adcode,
        station=Application.station_id,
    )
    if cond is not None:
        stmt = stmt.where(cond)
    if for_update:
        stmt = stmt.with_for_update(of=Application)
    application = await ctx.session.scalar(stmt)
    if application is None:
        raise ApplicationNotFound()
    return application


async def list_(
    ctx: Ctx, principal: Principal, filters: ApplicationFilters, page: PageParams
) -> tuple[Sequence[Application], str | None]:
    stmt = select(Application)
    cond = scope.condition(
        principal,
        ctx.settings,
        seeker=Application.seeker_id,
        employer=Application.employer_id,
        county=Application.county_adcode,
        station=Application.station_id,
    )
    if cond is not None:
        stmt = stmt.where(cond)
    for column, value in (
        (Application.status, filters.status),
        (Application.posting_id, filters.posting_id),
        (Application.shift_id, filters.shift_id),
        (Application.seeker_id, filters.seeker_id),
    ):
        if value is not None:  # a posting's or shift's id brings its county: one shard
            stmt = stmt.where(*shard.on(column, value) if isinstance(value, uuid.UUID) else [column == value])
    return await apply_page(ctx.session, stmt, Application, page)


def _decide(ctx: Ctx, application: Application, action: str, status: str, by: str) -> None:
    if application.status != "applied":
        raise WrongState(action, application.status)
    now = ctx.clock.now()
    application.status, application.decided_at, application.decided_by = status, now, by
    application.version += 1
    application.updated_at = now


def _tell_seeker(ctx: Ctx, application: Application, kind: Kind) -> None:
    notify(ctx, Recipient.SEEKER, application.seeker_id, kind, application.id, status=application.status)
    if application.station_id is not None:
        notify(
            ctx, Recipient.STATION, application.station_id, kind, application.id, status=application.status
        )


async def accept(ctx: Ctx, principal: Principal, application: Application) -> Engagement | None:
    """The employer accepts; a booking request takes a slot and becomes a booked engagement."""
    if not scope.acts_for_employer(principal):
        raise NotYourAction()
    _decide(ctx, application, "accept", "accepted", "employer")
    engagement = None
    if application.shift_id is not None:
        await booking.lock_worker(ctx, application.seeker_id)
        shift, posting = await booking.load_seat(ctx, application.shift_id)
        booking.check_bookable(ctx, shift, posting)
        await booking.check_free(ctx, application.seeker_id, shift)
        await booking.take_slot(ctx, shift)
        engagement = await seat_for(ctx, application, shift, posting, via_offer=False)
    await ctx.session.flush()
    ctx.emit("application.accepted", application.id, snapshot(application))
    _tell_seeker(ctx, application, Kind.APPLICATION_DECIDED)
    return engagement


async def seat_for(
    ctx: Ctx, application: Application, shift: Shift, posting: Posting, *, via_offer: bool
) -> Engagement:
    """Book the request's worker on a slot already taken (or handed over) for them."""
    engagement = await booking.seat(
        ctx,
        shift,
        posting,
        application.seeker_id,
        source=application.source,
        station_id=application.station_id,
        referred_by=application.referred_by,
        application_id=application.id,
        via_offer=via_offer,
    )
    application.engagement_id = engagement.id
    announce_booking(ctx, engagement, offered=via_offer)
    return engagement


async def accept_offer(ctx: Ctx, application: Application, shift: Shift, posting: Posting) -> Engagement:
    """A freed slot handed to the oldest pending request (its worker locked and free, by the caller)."""
    _decide(ctx, application, "offer", "accepted", "system")
    engagement = await seat_for(ctx, application, shift, posting, via_offer=True)
    await ctx.session.flush()
    ctx.emit("application.accepted", application.id, snapshot(application))
    return engagement


async def reject(ctx: Ctx, principal: Principal, application: Application, reason: str | None) -> None:
    if not scope.acts_for_employer(principal):
        raise NotYourAction()
    _decide(ctx, application, "reject", "rejected", "employer")
    application.decision_reason = reason
    await ctx.session.flush()
    ctx.emit("application.rejected", application.id, snapshot(application))
    _tell_seeker(ctx, application, Kind.APPLICATION_DECIDED)


async def withdraw(ctx: Ctx, principal: Principal, application: Application) -> None:
    if not scope.acts_for_seeker(principal):
        raise NotYourAction()
    _decide(ctx, application, "withdraw", "withdrawn", "seeker")
    await ctx.session.flush()
    ctx.emit("application.withdrawn", application.id, snapshot(application))


async def close_ended(ctx: Ctx, shift_id: uuid.UUID, county_adcode: str, why: str) -> int:
    """Pending requests on a shift that ended or was cancelled are declined (by the system)."""
    stmt = (
        select(Application)
        .where(*shard.within(Application, county_adcode, shift_id=shift_id), Application.status == "applied")
        .with_for_update(skip_locked=True)
    )
    pending = list((await ctx.session.scalars(stmt)).all())
    for application in pending:
        _decide(ctx, application, "decline", "rejected", "system")
        application.decision_reason = why
        await ctx.session.flush()
        ctx.emit("application.rejected", application.id, snapshot(application))
        _tell_seeker(ctx, application, Kind.APPLICATION_DECIDED)
    return len(pending)
