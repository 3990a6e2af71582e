"""A seeker's erasure on the postings side: the rule of docs/privacy.md §7, applied by the route and again
by the sweep until nothing keeps the seeker id.

- Free text the seeker wrote or that describes them goes at once: application notes and decision reasons,
  cancellation reasons, appeal reasons and decisions, rating comments; the employer's rating of the
  worker is deleted; the seeker's notifications are deleted; wrong check-in codes are deleted.
- A pending application is withdrawn and a booked (not yet worked) shift cancelled, without a mark.
- Whatever has no wage consequence takes the pseudonym at once: applications, engagements never worked
  and owing nothing, appeals, the worker's ratings of employers.
- A wage record — an engagement worked or owing pay, with its dispute and its application — keeps the
  seeker id, its check-in distances and the dispute's note, for `wage_keep_days` after the latest of the
  work's end, check-out, confirmation, payment and the dispute's resolution (never while a dispute is
  open); then the sweep pseudonymises it and drops the distances and the note.
- Feed events already written about any of these records are redacted in place the same way (the
  feed is not the wage record: it always carries the pseudonym), including events a kept record
  produced after the erasure, each time the sweep runs.

Records are the seeker's if they name the seeker id and were made before the request (a seeker who
registers again under the same id afterwards keeps their new records); disputes, appeals and ratings
follow their engagement.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select

from services.kit.auth import Principal, Role
from services.kit.clock import as_utc
from services.postings.appeals.models import Appeal
from services.postings.applications.models import Application
from services.postings.applications.service import snapshot as application_snapshot
from services.postings.database import IdempotencyKey
from services.postings.deps import Ctx
from services.postings.disputes.models import Dispute
from services.postings.engagements.cancellation import vacate
from services.postings.engagements.events import changed, tell
from services.postings.engagements.models import CodeAttempt, Engagement
from services.postings.erasure.exceptions import PseudonymMismatch
from services.postings.erasure.models import DONE, HOLDING, SeekerErasure
from services.postings.erasure.redaction import ERASED, redacted
from services.postings.feed.models import OutboxEvent
from services.postings.notifications.models import Notification
from services.postings.notifications.service import Kind, Recipient
from services.postings.ratings.models import Rating

WORKED = ("checked_in", "completed", "confirmed", "paid", "disputed")
CHUNK = 500


@dataclass(slots=True)
class Held:
    """What still keeps the seeker id after one pass, and until when at least."""

    engagements: set[uuid.UUID] = field(default_factory=set)
    until: datetime | None = None
    open_dispute: bool = False


async def erase(ctx: Ctx, principal: Principal, seeker_id: str, pseudonym: str) -> SeekerErasure:
    """Record the request (or find it again: a repeat is the same erasure) and apply the rule now."""
    now = ctx.clock.now()
    other = await ctx.session.scalar(
        select(SeekerErasure)
        .where(SeekerErasure.seeker_id == seeker_id, SeekerErasure.pseudonym != pseudonym)
        .with_for_update()
    )
    if other is not None:
        raise PseudonymMismatch()
    row = await ctx.session.get(SeekerErasure, pseudonym, with_for_update=True, populate_existing=True)
    by = principal.sub if principal.role == Role.SERVICE else principal.role.value
    if row is None:
        row = SeekerErasure(pseudonym=pseudonym, requested_by=by, held=0)
        ctx.session.add(row)
    row.seeker_id, row.requested_at, row.status, row.done_at = seeker_id, now, HOLDING, None
    row.updated_at = now
    await ctx.session.flush()
    await apply(ctx, row)
    return row


async def due(ctx: Ctx, limit: int, after: str = "") -> list[str]:
    """Pseudonyms (after `after`, in order) of holding erasures whose hold has ended or that wait on an
    open dispute."""
    now = ctx.clock.now()
    stmt = (
        select(SeekerErasure.pseudonym)
        .where(
            SeekerErasure.status == HOLDING,
            SeekerErasure.pseudonym > after,
            or_(SeekerErasure.hold_until.is_(None), SeekerErasure.hold_until <= now),
        )
        .order_by(SeekerErasure.pseudonym)
        .limit(limit)
    )
    return list((await ctx.session.scalars(stmt)).all())


async def apply_one(ctx: Ctx, pseudonym: str) -> None:
    row = await ctx.session.get(SeekerErasure, pseudonym, with_for_update=True, populate_existing=True)
    if row is not None and row.status == HOLDING:
        await apply(ctx, row)


async def apply(ctx: Ctx, row: SeekerErasure) -> None:
    """The rule, as of now, on everything of `row`'s seeker; settles the row when nothing is held."""
    seeker_id, alias, cutoff = row.seeker_id, row.pseudonym, row.requested_at
    now = ctx.clock.now()
    if seeker_id is None:
        return
    engagements = await _engagements(ctx, seeker_id, cutoff)
    ids = [e.id for e in engagements]
    disputes = {d.engagement_id: d for d in await _all(ctx, Dispute, Dispute.engagement_id, ids)}
    for engagement in engagements:
        if engagement.status == "booked":
            await _cancel(ctx, engagement, alias)
    held = _held(ctx, engagements, disputes, now)
    applications = await _applications(ctx, seeker_id, cutoff)
    aggregates = {str(seeker_id)} | {str(i) for i in ids} | {str(a.id) for a in applications}
    aggregates |= {str(d.id) for d in disputes.values()}
    for engagement in engagements:
        engagement.cancel_reason = None
        if engagement.id not in held.engagements:
            engagement.seeker_id = alias
            engagement.checkin_distance_m = engagement.checkout_distance_m = None
            dispute = disputes.get(engagement.id)
            if dispute is not None:
                dispute.seeker_id, dispute.note = alias, None
    held_applications = {e.application_id for e in engagements if e.id in held.engagements}
    for application in applications:
        keep = application.id in held_applications or application.engagement_id in held.engagements
        await _application(ctx, application, alias, keep)
    aggregates |= await _appeals(ctx, ids, alias)
    aggregates |= await _ratings(ctx, ids, alias)
    await _forget_messages(ctx, seeker_id, cutoff, ids)
    await ctx.session.flush()
    await redact_feed(ctx, aggregates, seeker_id, alias)
    row.held = len(held.engagements)
    row.hold_until = None if held.open_dispute else held.until
    row.updated_at = now
    if not held.engagements:
        row.status, row.seeker_id, row.done_at, row.hold_until = DONE, None, now, None
    await ctx.session.flush()


async def _engagements(ctx: Ctx, seeker_id: str, cutoff: datetime) -> list[Engagement]:
    stmt = (
        select(Engagement)
        .where(Engagement.seeker_id == seeker_id, Engagement.created_at <= cutoff)
        .order_by(Engagement.id)
        .with_for_update()
    )
    return list((await ctx.session.scalars(stmt)).all())


async def _applications(ctx: Ctx, seeker_id: str, cutoff: datetime) -> list[Application]:
    stmt = (
        select(Application)
        .where(Application.seeker_id == seeker_id, Application.created_at <= cutoff)
        .order_by(Application.id)
        .with_for_update()
    )
    return list((await ctx.session.scalars(stmt)).all())


async def _all(ctx: Ctx, model: Any, column: Any, ids: Sequence[uuid.UUID]) -> list[Any]:
    out: list[Any] = []
    for start in range(0, len(ids), CHUNK):
        stmt = select(model).where(column.in_(ids[start : start + CHUNK])).with_for_update()
        out.extend((await ctx.session.scalars(stmt)).all())
    return out


async def _cancel(ctx: Ctx, engagement: Engagement, alias: str) -> None:
    """A booked shift the erased seeker will not work: cancelled by the worker's side, no mark, the slot
    freed and offered on; the employer is told. Nothing was worked, so it takes the pseudonym now."""
    now = ctx.clock.now()
    engagement.status, engagement.cancelled_at, engagement.late_cancel = "cancelled_by_worker", now, False
    engagement.cancel_reason = None
    engagement.remind_day_at = engagement.remind_2h_at = None
    engagement.seeker_id = alias
    engagement.version += 1
    engagement.updated_at = now
    await changed(ctx, engagement, "engagement.cancelled")
    tell(ctx, engagement, Kind.CANCELLATION, seeker=False)
    await vacate(ctx, engagement, offer=True)


def _held(
    ctx: Ctx, engagements: Iterable[Engagement], disputes: dict[uuid.UUID, Dispute], now: datetime
) -> Held:
    """Wage records still inside their keeping period (or with an open dispute)."""
    keep = timedelta(days=ctx.settings.erasure.wage_keep_days)
    held = Held()
    for engagement in engagements:
        dispute = disputes.get(engagement.id)
        worked = engagement.status in WORKED or engagement.amount_due is not None or dispute is not None
        if not worked:
            continue
        if dispute is not None and dispute.status == "open":
            held.engagements.add(engagement.id)
            held.open_dispute = True
            continue
        moments = [
            engagement.ends_at,
            engagement.checked_out_at,
            engagement.confirmed_at,
            engagement.paid_at,
            engagement.cancelled_at,
            dispute.resolved_at if dispute is not None else None,
        ]
        until = max(as_utc(m) for m in moments if m is not None) + keep
        if until > now:
            held.engagements.add(engagement.id)
            held.until = until if held.until is None else max(held.until, until)
    return held


async def _application(ctx: Ctx, application: Application, alias: str, keep_id: bool) -> None:
    now = ctx.clock.now()
    withdraw = application.status == "applied"
    if withdraw:
        application.status, application.decided_at, application.decided_by = "withdrawn", now, "system"
    if withdraw or application.note is not None or application.decision_reason is not None:
        application.note = application.decision_reason = None
        application.version += 1
        application.updated_at = now
    if not keep_id:
        application.seeker_id = alias
    if withdraw:
        await ctx.session.flush()
        ctx.emit("application.withdrawn", application.id, application_snapshot(application))


async def _appeals(ctx: Ctx, engagement_ids: Sequence[uuid.UUID], alias: str) -> set[str]:
    appeals = await _all(ctx, Appeal, Appeal.engagement_id, engagement_ids)
    for appeal in appeals:
        appeal.seeker_id, appeal.reason, appeal.decision_note = alias, ERASED, None
    return {str(a.id) for a in appeals}


async def _ratings(ctx: Ctx, engagement_ids: Sequence[uuid.UUID], alias: str) -> set[str]:
    """The worker's ratings of employers keep their stars (employers' reliability) under the pseudonym;
    an employer's rating of the worker is about the person and serves no wage claim: deleted."""
    ratings = await _all(ctx, Rating, Rating.engagement_id, engagement_ids)
    for rating in ratings:
        if rating.rater == "employer":
            await ctx.session.delete(rating)
        else:
            rating.seeker_id, rating.comment = alias, None
    return {str(r.id) for r in ratings}


async def _forget_messages(
    ctx: Ctx, seeker_id: str, cutoff: datetime, engagement_ids: list[uuid.UUID]
) -> None:
    """The seeker's notifications, wrong check-in codes and stored idempotent replies go."""
    await ctx.session.execute(
        delete(Notification).where(
            Notification.recipient_kind == Recipient.SEEKER.value,
            Notification.recipient_id == seeker_id,
            Notification.created_at <= cutoff,
        )
    )
    for start in range(0, len(engagement_ids), CHUNK):
        chunk = engagement_ids[start : start + CHUNK]
        await ctx.session.execute(delete(CodeAttempt).where(CodeAttempt.engagement_id.in_(chunk)))
    await ctx.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.principal == f"{Role.SEEKER.value}:{seeker_id}")
    )


async def redact_feed(ctx: Ctx, aggregates: set[str], seeker_id: str, alias: str) -> int:
    """Feed events of these aggregates, rewritten in place: the seeker id becomes the pseudonym, free
    text goes. Returns how many events changed."""
    changed_count = 0
    keys = sorted(aggregates)
    for start in range(0, len(keys), CHUNK):
        stmt = select(OutboxEvent).where(OutboxEvent.aggregate_id.in_(keys[start : start + CHUNK]))
        for event in (await ctx.session.scalars(stmt)).all():
            data = redacted(event.data, seeker_id, alias, appeal=event.type.startswith("appeal."))
            aggregate = alias if event.aggregate_id == seeker_id else event.aggregate_id
            if data != event.data or aggregate != event.aggregate_id:
                event.data, event.aggregate_id = data, aggregate
                changed_count += 1
    await ctx.session.flush()
    return changed_count
