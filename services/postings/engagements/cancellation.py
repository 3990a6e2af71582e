"""Leaving a booking: cancellations under the notice policy, no-shows, and the slot they free, which
goes to the next in line on review shifts and back on the market on instant ones."""

from datetime import timedelta

from sqlalchemy import select, update

from services.kit.auth import Principal, Role
from services.kit.clock import as_utc
from services.postings import shard
from services.postings.access import scope
from services.postings.access.exceptions import NotYourAction, WrongState
from services.postings.applications import service as applications
from services.postings.deps import Ctx
from services.postings.engagements import booking
from services.postings.engagements.events import advance, changed, tell
from services.postings.engagements.exceptions import ShiftStarted
from services.postings.engagements.models import Engagement
from services.postings.notifications.service import Kind
from services.postings.postings import service as postings
from services.postings.postings.models import Posting
from services.postings.reliability import service as reliability
from services.postings.shifts import service as shifts
from services.postings.shifts.models import Shift


async def vacate(ctx: Ctx, engagement: Engagement, *, offer: bool) -> Engagement | None:
    """Free the engagement's slot: handed to the oldest pending request (review shifts), else released.

    Returns the engagement of the worker who was offered the slot, if any.
    """
    shift = await ctx.session.get_one(Shift, shard.key(engagement.shift_id, engagement.county_adcode))
    if offer and ctx.clock.now() < as_utc(shift.ends_at) and shift.status == "open":
        # Skip the offer if the posting is being changed right now (e.g. the shift cancelled).
        posting = await ctx.session.scalar(
            select(Posting)
            .where(*shard.within(Posting, engagement.county_adcode, id=engagement.posting_id))
            .with_for_update(read=True, skip_locked=True)
        )
        if posting is not None and posting.status == "open" and posting.booking == "review":
            request = await booking.next_in_line(ctx, shift)
            if request is not None:
                return await applications.accept_offer(ctx, request, shift, posting)
    await booking.give_back_slot(ctx, shift)
    return None


def _late(ctx: Ctx, engagement: Engagement, hours: float) -> bool:
    return ctx.clock.now() > as_utc(engagement.starts_at) - timedelta(hours=hours)


def _by_employer(principal: Principal) -> bool:
    return principal.role in (Role.EMPLOYER, Role.ADMIN)


async def cancel(ctx: Ctx, principal: Principal, engagement: Engagement, reason: str | None) -> Engagement:
    """Worker side (the worker, or staff for them) or employer side, by who asks."""
    rules = ctx.settings.lifecycle
    by_employer = _by_employer(principal)
    if not by_employer and not scope.acts_for_seeker(principal):
        raise NotYourAction()
    status = "cancelled_by_employer" if by_employer else "cancelled_by_worker"
    advance(ctx, engagement, "cancel", ("booked",), status)
    now = ctx.clock.now()
    engagement.cancelled_at, engagement.cancel_reason = now, reason
    engagement.remind_day_at = engagement.remind_2h_at = None
    if by_employer:
        engagement.late_cancel = _late(ctx, engagement, rules.employer_late_cancel_hours)
        if engagement.late_cancel:
            owed = booking.cancellation_pay(engagement, rules.cancellation_pay_hours)
            engagement.amount_due = owed
            if owed:
                due = now + timedelta(hours=rules.payment_due_hours)
                engagement.payment_due_at = engagement.payment_check_at = due
    else:
        engagement.late_cancel = _late(ctx, engagement, rules.worker_late_cancel_hours)
        if engagement.late_cancel and not engagement.via_offer:
            engagement.worker_mark = "late_cancel"
    await changed(ctx, engagement, "engagement.cancelled")
    tell(ctx, engagement, Kind.CANCELLATION)
    await vacate(ctx, engagement, offer=not by_employer)
    if by_employer:
        await reliability.publish_employer(ctx, engagement.employer_id)
    elif engagement.worker_mark:
        await reliability.publish_worker(ctx, engagement.seeker_id)
    return engagement


async def no_show(ctx: Ctx, engagement: Engagement) -> Engagement:
    """No check-in by the deadline: marked (unless the slot was a late offer), slot freed and offered."""
    advance(ctx, engagement, "mark no-show", ("booked",), "no_show")
    engagement.remind_day_at = engagement.remind_2h_at = None
    if not engagement.via_offer:
        engagement.worker_mark = "no_show"
    await changed(ctx, engagement, "engagement.no_show")
    tell(ctx, engagement, Kind.NO_SHOW)
    await vacate(ctx, engagement, offer=True)
    await reliability.publish_worker(ctx, engagement.seeker_id)
    return engagement


async def cancel_shift(
    ctx: Ctx, principal: Principal, posting: Posting, shift: Shift, reason: str | None
) -> Shift:
    """The employer calls a shift off: every booking is cancelled by the employer under the notice
    policy, pending requests are declined. The caller holds the posting row lock, so no booking races."""
    await ctx.session.refresh(shift)
    if shift.status != "open":
        raise WrongState("cancel shift", shift.status)
    if as_utc(shift.starts_at) <= ctx.clock.now():
        raise ShiftStarted()
    stmt = (
        select(Engagement)
        .where(
            *shard.within(Engagement, shift.county_adcode, shift_id=shift.id), Engagement.status == "booked"
        )
        .order_by(Engagement.id)
        .with_for_update()
    )
    for engagement in (await ctx.session.scalars(stmt)).all():
        await cancel(ctx, principal, engagement, reason)
    await applications.close_ended(ctx, shift.id, shift.county_adcode, "shift cancelled")
    now = ctx.clock.now()
    await ctx.session.execute(
        update(Shift)
        .where(*shard.within(Shift, shift.county_adcode, id=shift.id))
        .values(status="cancelled", version=Shift.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    await ctx.session.refresh(shift)
    ctx.emit("shift.cancelled", shift.id, shifts.snapshot(shift))
    await postings.bump(ctx, posting, "posting.updated")
    return shift
