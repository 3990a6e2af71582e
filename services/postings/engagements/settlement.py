"""After the shift: the employer confirms hours and amount (or it is confirmed as booked), the worker
says whether the wage was paid; a not-paid report past the due date opens a dispute."""

from datetime import timedelta
from decimal import Decimal

from services.kit.auth import Principal
from services.kit.clock import as_utc
from services.postings import shard
from services.postings.access import scope
from services.postings.access.exceptions import NotYourAction, WrongState
from services.postings.deps import Ctx
from services.postings.disputes import service as disputes
from services.postings.disputes.models import Dispute
from services.postings.disputes.schemas import DisputeRead
from services.postings.engagements import booking
from services.postings.engagements.events import advance, changed, tell, touch
from services.postings.engagements.exceptions import ConfirmationClosed
from services.postings.engagements.models import Engagement
from services.postings.engagements.schemas import Confirmation
from services.postings.notifications.service import Kind, Recipient, notify
from services.postings.reliability import service as reliability


def owes_cancellation_pay(engagement: Engagement) -> bool:
    return engagement.status == "cancelled_by_employer" and bool(engagement.amount_due)


def _set_confirmed(ctx: Ctx, engagement: Engagement, hours: Decimal, amount: Decimal | None, by: str) -> None:
    now = ctx.clock.now()
    due = now + timedelta(hours=ctx.settings.lifecycle.payment_due_hours)
    engagement.hours = booking.money(hours)
    engagement.amount_due = booking.money(amount) if amount is not None else None
    engagement.confirmed_at, engagement.confirmed_by = now, by
    engagement.payment_due_at = engagement.payment_check_at = due


def _pay_for(engagement: Engagement, hours: Decimal) -> Decimal | None:
    """The amount for the confirmed hours: hourly pay scales with them, other units pay as booked."""
    rate = booking.hourly_rate(engagement)
    if engagement.pay_unit == "hour" and rate is not None:
        return rate * hours
    return engagement.booked_amount


async def _announce_confirmed(ctx: Ctx, engagement: Engagement) -> Engagement:
    await changed(ctx, engagement, "engagement.confirmed")
    tell(ctx, engagement, Kind.PAYMENT_DUE)
    await reliability.publish_employer(ctx, engagement.employer_id)
    return engagement


async def confirm(ctx: Ctx, principal: Principal, engagement: Engagement, body: Confirmation) -> Engagement:
    """The employer's account of hours and amount, within the confirmation window."""
    if not scope.acts_for_employer(principal):
        raise NotYourAction()
    if engagement.status == "completed" and engagement.confirm_due_at is not None:
        if ctx.clock.now() >= as_utc(engagement.confirm_due_at):
            raise ConfirmationClosed(confirm_due_at=as_utc(engagement.confirm_due_at).isoformat())
    advance(ctx, engagement, "confirm", ("completed",), "confirmed")
    hours = body.hours if body.hours is not None else Decimal(engagement.booked_hours)
    amount = body.amount if body.amount is not None else _pay_for(engagement, hours)
    _set_confirmed(ctx, engagement, hours, amount, "employer")
    return await _announce_confirmed(ctx, engagement)


async def auto_confirm(ctx: Ctx, engagement: Engagement) -> Engagement:
    """No confirmation in time: confirmed as booked."""
    advance(ctx, engagement, "auto-confirm", ("completed",), "confirmed")
    _set_confirmed(ctx, engagement, Decimal(engagement.booked_hours), engagement.booked_amount, "auto")
    return await _announce_confirmed(ctx, engagement)


async def paid(ctx: Ctx, principal: Principal, engagement: Engagement) -> Engagement:
    """The worker confirms the wage (or the cancellation payment) reached them."""
    if not scope.acts_for_seeker(principal):
        raise NotYourAction()
    if owes_cancellation_pay(engagement) and engagement.paid_at is None:
        touch(ctx, engagement)
    else:
        advance(ctx, engagement, "confirm payment", ("confirmed", "disputed"), "paid")
    engagement.paid_at, engagement.payment_check_at = ctx.clock.now(), None
    if engagement.disputed_at is not None:
        await disputes.settle_for(ctx, engagement, principal.sub)
    await changed(ctx, engagement, "engagement.paid")
    await reliability.publish_employer(ctx, engagement.employer_id)
    return engagement


async def not_paid(ctx: Ctx, principal: Principal, engagement: Engagement, note: str | None) -> Engagement:
    """The worker reports the wage unpaid: a dispute once past the due date, a recorded report before."""
    if not scope.acts_for_seeker(principal):
        raise NotYourAction()
    unpaid_cancellation = owes_cancellation_pay(engagement) and engagement.paid_at is None
    if not (engagement.status == "confirmed" or unpaid_cancellation) or engagement.disputed_at is not None:
        raise WrongState("report not paid", engagement.status)
    engagement.not_paid_reported_at = engagement.not_paid_reported_at or ctx.clock.now()
    touch(ctx, engagement)
    due = engagement.payment_due_at
    if due is not None and ctx.clock.now() >= as_utc(due):
        return await open_dispute(ctx, engagement, note)
    notify(ctx, Recipient.EMPLOYER, engagement.employer_id, Kind.PAYMENT_DUE, engagement.id, due_at=due)
    return await changed(ctx, engagement, "engagement.not_paid_reported")


async def open_dispute(ctx: Ctx, engagement: Engagement, note: str | None) -> Engagement:
    """Open the dispute staff of the posting's county see; it counts in the employer's reliability."""
    now = ctx.clock.now()
    if engagement.status == "confirmed":
        engagement.status = "disputed"
    engagement.disputed_at = now
    touch(ctx, engagement)
    dispute = Dispute(
        id=shard.new_id(engagement.county_adcode),
        engagement_id=engagement.id,
        engagement_starts_at=engagement.starts_at,
        employer_id=engagement.employer_id,
        county_adcode=engagement.county_adcode,
        station_id=engagement.station_id,
        seeker_id=engagement.seeker_id,
        kind="wage" if engagement.status == "disputed" else "cancellation_pay",
        amount_due=engagement.amount_due,
        status="open",
        note=note,
        opened_at=now,
        version=1,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(dispute)
    await changed(ctx, engagement, "engagement.disputed")
    ctx.emit("dispute.opened", dispute.id, DisputeRead.model_validate(dispute).model_dump(mode="json"))
    notify(ctx, Recipient.COUNTY, engagement.county_adcode, Kind.DISPUTE, dispute.id)
    tell(ctx, engagement, Kind.DISPUTE)
    await reliability.publish_employer(ctx, engagement.employer_id)
    return engagement


async def overdue_report(ctx: Ctx, engagement: Engagement) -> Engagement | None:
    """A not-paid report made before the due date becomes a dispute when the date passes unpaid."""
    if engagement.disputed_at is not None or engagement.paid_at is not None:
        return None
    return await open_dispute(ctx, engagement, None)
