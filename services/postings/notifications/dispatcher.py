"""Delivers queued notifications through the configured Sender, at most N per recipient per hour.

Three short steps so no transaction is held open while a gateway answers: claim due messages (marking
them `sending`), send them, record the outcomes. Messages over a recipient's hourly limit are deferred
to when the window frees a place, never dropped. A crash after claiming leaves messages `sending`;
they are claimed again after a lease, so delivery is at least once.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import as_utc
from services.kit.periodic import PeriodicTask
from services.kit.tracing import tracer_of
from services.kit.uow import unit_of_work
from services.postings.notifications.models import Notification
from services.postings.notifications.sender import Outgoing, Sender, outgoing

log = logging.getLogger("lingong.postings.notifications")
WINDOW = timedelta(hours=1)
LEASE = timedelta(minutes=10)


@dataclass(slots=True)
class DispatchReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0


class NotificationDispatcher(PeriodicTask[DispatchReport]):
    what = "notification dispatch"
    task_name = "postings-notifications"
    log = log

    span_name = "notification dispatch"

    def __init__(self, app: FastAPI, sender: Sender) -> None:
        self.app = app
        self.sender = sender
        super().__init__(tracer_of(app))

    async def run_once(self) -> DispatchReport:
        report = DispatchReport()
        claimed = await self._claim(report)
        outcomes: list[tuple[uuid.UUID, str | None]] = []
        for message in claimed:
            try:
                await self.sender.send(message)
                outcomes.append((message.id, None))
            except Exception as exc:  # noqa: BLE001 - any failure is retried, then recorded
                outcomes.append((message.id, type(exc).__name__[:200]))
        await self._settle(outcomes, report)
        return report

    @staticmethod
    async def _recently_sent(
        session: AsyncSession, recipients: set[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], list[datetime]]:
        """Per recipient, when the messages of the last hour went out (oldest first)."""
        out: dict[tuple[str, str], list[datetime]] = {r: [] for r in recipients}
        for kind, rid in recipients:
            rows = await session.scalars(
                select(Notification.sent_at)
                .where(
                    Notification.recipient_kind == kind,
                    Notification.recipient_id == rid,
                    Notification.status.in_(("sending", "sent")),
                    Notification.sent_at > now - WINDOW,
                )
                .order_by(Notification.sent_at)
            )
            out[(kind, rid)] = [as_utc(at) for at in rows if at is not None]
        return out

    async def _claim(self, report: DispatchReport) -> list[Outgoing]:
        state = self.app.state
        rules = state.settings.lifecycle
        now: datetime = state.clock.now()
        if not await self._anything_due(now):
            return []  # no writing transaction (and no SQLite write lock) when idle
        async with unit_of_work(state.sessionmaker) as session:
            await session.execute(
                update(Notification)
                .where(Notification.status == "sending", Notification.sent_at <= now - LEASE)
                .values(status="pending", sent_at=None)
            )
            due = list(
                (
                    await session.scalars(
                        select(Notification)
                        .where(Notification.status == "pending", Notification.not_before <= now)
                        .order_by(Notification.not_before, Notification.created_at, Notification.id)
                        .limit(rules.notify_batch)
                        .with_for_update(skip_locked=True)
                    )
                ).all()
            )
            sent = await self._recently_sent(session, {(m.recipient_kind, m.recipient_id) for m in due}, now)
            claimed = []
            for message in due:
                recent = sent[(message.recipient_kind, message.recipient_id)]
                if len(recent) >= rules.notify_per_hour:
                    message.not_before = recent[-rules.notify_per_hour] + WINDOW
                    report.deferred += 1
                    continue
                recent.append(now)
                message.status, message.sent_at = "sending", now
                message.attempts += 1
                claimed.append(outgoing(message))
        return claimed

    async def _anything_due(self, now: datetime) -> bool:
        due = or_(
            and_(Notification.status == "pending", Notification.not_before <= now),
            and_(Notification.status == "sending", Notification.sent_at <= now - LEASE),
        )
        async with unit_of_work(self.app.state.sessionmaker, writer=False) as session:
            return await session.scalar(select(Notification.id).where(due).limit(1)) is not None

    async def _settle(self, outcomes: list[tuple[uuid.UUID, str | None]], report: DispatchReport) -> None:
        if not outcomes:
            return
        state = self.app.state
        rules = state.settings.lifecycle
        now: datetime = state.clock.now()
        async with unit_of_work(state.sessionmaker) as session:
            for message_id, error in outcomes:
                message = await session.get_one(Notification, message_id)
                if error is None:
                    message.status = "sent"
                    report.sent += 1
                    continue
                message.last_error = error
                if message.attempts >= rules.notify_max_attempts:
                    message.status = "failed"
                    report.failed += 1
                    continue
                message.status, message.sent_at = "pending", None
                message.not_before = now + timedelta(minutes=2**message.attempts)

    def work(self, result: DispatchReport) -> dict[str, int] | None:
        counts = {"sent": result.sent, "deferred": result.deferred, "failed": result.failed}
        return {f"notifications.{k}": v for k, v in counts.items()} if any(counts.values()) else None

    def report(self, result: DispatchReport) -> None:
        if result.sent or result.failed:
            log.info("notifications dispatched", extra={"sent": result.sent, "failed": result.failed})
