"""Background task: the lifecycle's deadlines, driven by the injected clock.

No-shows after the grace period, check-out forgotten, confirmation not given in time, not-paid reports
whose due date passed, reminders a day and two hours before, a nudge at the payment due date, and
requests left pending on shifts that ended. Each engagement is handled in its own short transaction
(row locked, SKIP LOCKED on PostgreSQL), so replicas can sweep side by side and one bad row stops nothing.
Tests call `run_once()` after moving a ManualClock.
"""

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import as_utc
from services.kit.periodic import PeriodicTask
from services.kit.tracing import counts_of, tracer_of
from services.kit.uow import unit_of_work
from services.postings import shard
from services.postings.applications import service as applications
from services.postings.applications.models import Application
from services.postings.deps import Ctx
from services.postings.engagements import cancellation, presence, settlement
from services.postings.engagements.events import changed, tell
from services.postings.engagements.models import Engagement
from services.postings.notifications.service import Kind, Recipient, notify
from services.postings.shifts.models import Shift

log = logging.getLogger("lingong.postings.deadlines")
BATCH = 200
Handler = Callable[[Ctx, Engagement], Awaitable[object]]


class DeadlineSweeper(PeriodicTask[dict[str, int]]):
    what = "deadline sweep"
    task_name = "postings-deadlines"
    log = log

    span_name = "deadline sweep"

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        super().__init__(tracer_of(app))

    def _ctx(self, session: AsyncSession) -> Ctx:
        state = self.app.state
        return Ctx(session=session, clock=state.clock, settings=state.settings, notifier=state.feed_notifier)

    def _due(self, now: datetime) -> list[tuple[str, list[ColumnElement[bool]], Handler]]:
        rules = self.app.state.settings.lifecycle
        e = Engagement
        return [
            ("no_show", [e.status == "booked", e.checkin_deadline <= now], cancellation.no_show),
            (
                "auto_checkout",
                [e.status == "checked_in", e.ends_at <= now - timedelta(hours=rules.auto_checkout_hours)],
                _auto_checkout,
            ),
            ("auto_confirm", [e.status == "completed", e.confirm_due_at <= now], _auto_confirm),
            (
                "dispute",
                [
                    e.status.in_(("confirmed", "cancelled_by_employer")),
                    e.not_paid_reported_at.is_not(None),
                    e.disputed_at.is_(None),
                    e.paid_at.is_(None),
                    e.payment_due_at <= now,
                ],
                _overdue,
            ),
            ("payment_check", [e.payment_check_at <= now], _payment_check),
            ("reminder_day", [e.remind_day_at <= now], _remind_day),
            ("reminder_2h", [e.remind_2h_at <= now], _remind_2h),
        ]

    async def run_once(self) -> dict[str, int]:
        """Act on every deadline that has passed; how many of each."""
        now: datetime = self.app.state.clock.now()
        counts = {
            name: await self._each(
                select(Engagement.id, Engagement.county_adcode).where(*where), where, handle
            )
            for name, where, handle in self._due(now)
        }
        counts["requests_closed"] = await self._close_ended_requests(now)
        async with unit_of_work(self.app.state.sessionmaker) as session:
            await presence.purge_failures(self._ctx(session))
        return counts

    async def _each(
        self, ids: Select[uuid.UUID, str], where: list[ColumnElement[bool]], handle: Handler
    ) -> int:
        done = 0
        while True:
            async with unit_of_work(self.app.state.sessionmaker, writer=False) as session:
                batch = list((await session.execute(ids.limit(BATCH))).all())
            progressed = 0
            for engagement_id, county in batch:
                try:
                    async with unit_of_work(self.app.state.sessionmaker) as session:
                        row = await session.scalar(
                            select(Engagement)
                            .where(*shard.within(Engagement, county, id=engagement_id), *where)
                            .with_for_update(skip_locked=True)
                        )
                        if row is not None:
                            await handle(self._ctx(session), row)
                            progressed += 1
                except Exception:
                    log.exception("deadline step failed", extra={"engagement_id": str(engagement_id)})
            done += progressed
            if len(batch) < BATCH or progressed == 0:
                return done

    async def _close_ended_requests(self, now: datetime) -> int:
        pending = exists().where(
            Application.shift_id == Shift.id,
            Application.county_adcode == Shift.county_adcode,
            Application.status == "applied",
        )
        async with unit_of_work(self.app.state.sessionmaker, writer=False) as session:
            ended = (
                await session.execute(
                    select(Shift.id, Shift.county_adcode).where(Shift.ends_at <= now, pending).limit(BATCH)
                )
            ).all()
        closed = 0
        for shift_id, county in ended:
            async with unit_of_work(self.app.state.sessionmaker) as session:
                closed += await applications.close_ended(self._ctx(session), shift_id, county, "shift ended")
        return closed

    def work(self, result: dict[str, int]) -> dict[str, int] | None:
        return {f"deadlines.{k}": v for k, v in counts_of(result).items()} or None

    def report(self, result: dict[str, int]) -> None:
        if any(result.values()):
            log.info("lifecycle deadlines", extra=result)


async def _auto_checkout(ctx: Ctx, engagement: Engagement) -> None:
    presence.complete(ctx, engagement, "auto", None)
    await changed(ctx, engagement, "engagement.completed")


async def _auto_confirm(ctx: Ctx, engagement: Engagement) -> None:
    await settlement.auto_confirm(ctx, engagement)


async def _overdue(ctx: Ctx, engagement: Engagement) -> None:
    await settlement.overdue_report(ctx, engagement)


async def _payment_check(ctx: Ctx, engagement: Engagement) -> None:
    """At the due date, ask the worker whether the wage came (and remind the employer it is due)."""
    engagement.payment_check_at = None
    unpaid = engagement.paid_at is None and engagement.disputed_at is None
    if unpaid and (engagement.status == "confirmed" or settlement.owes_cancellation_pay(engagement)):
        tell(ctx, engagement, Kind.PAYMENT_CHECK, employer=False)
        notify(ctx, Recipient.EMPLOYER, engagement.employer_id, Kind.PAYMENT_DUE, engagement.id)


def _upcoming(ctx: Ctx, engagement: Engagement) -> bool:
    return engagement.status == "booked" and ctx.clock.now() < as_utc(engagement.starts_at)


async def _remind_day(ctx: Ctx, engagement: Engagement) -> None:
    engagement.remind_day_at = None
    two_hours = engagement.remind_2h_at
    if _upcoming(ctx, engagement) and (two_hours is None or ctx.clock.now() < as_utc(two_hours)):
        tell(ctx, engagement, Kind.REMINDER_DAY, employer=False)


async def _remind_2h(ctx: Ctx, engagement: Engagement) -> None:
    engagement.remind_2h_at = None
    if _upcoming(ctx, engagement):
        tell(ctx, engagement, Kind.REMINDER_2H, employer=False)
