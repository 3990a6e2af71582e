"""Passing erasures on to the postings service: each pending `PostingsErasure` is sent until postings
acknowledges it, so postings being down neither blocks an erasure nor loses it (docs/privacy.md §7).

Each round claims the due requests (a lease: another process skips them, a crash releases them), sends
them outside any transaction, and records each answer in its own short one: delivered (the seeker id is
cleared, the pseudonym stays) or failed (tried again after a wait that doubles with every failure, up to
`ERASURE_RETRY_MAX_SECONDS`). A request erased again while it was in flight is not marked delivered for
the older send."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.uow import unit_of_work
from services.matching.privacy.config import PrivacySettings
from services.matching.privacy.models import PostingsErasure
from services.matching.referrals.client import PostingsActions
from services.matching.referrals.exceptions import PostingsUnreachable

log = logging.getLogger("lingong.privacy")


@dataclass(slots=True)
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    causes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"delivered": self.delivered, "failed": self.failed, "causes": sorted(set(self.causes))}


async def deliver(
    sessionmaker: async_sessionmaker[AsyncSession],
    postings: PostingsActions | None,
    token: str | None,
    settings: PrivacySettings,
    now: datetime,
) -> DeliveryReport:
    """One round: every due request sent once."""
    report = DeliveryReport()
    lease = now + timedelta(seconds=settings.erasure_retry_max_seconds)
    async with unit_of_work(sessionmaker) as session:
        # Claimed for this round (other processes skip them, a crash releases them when the lease ends).
        stmt = (
            select(PostingsErasure)
            .where(PostingsErasure.delivered_at.is_(None), PostingsErasure.next_attempt_at <= now)
            .order_by(PostingsErasure.next_attempt_at, PostingsErasure.pseudonym)
            .limit(settings.erasure_delivery_batch)
            .with_for_update(skip_locked=True)
        )
        due = []
        for row in (await session.scalars(stmt)).all():
            if row.seeker_id is not None:
                due.append((row.pseudonym, row.seeker_id, row.requested_at))
                row.next_attempt_at = lease
    for pseudonym, seeker_id, requested_at in due:
        cause: str | None = None
        if postings is None or token is None:
            cause = "no client for the postings service is configured"
        else:
            try:
                await postings.erase_seeker(token, seeker_id, pseudonym)
            except PostingsUnreachable as exc:
                cause = str(exc.extra.get("cause") or exc.code)
        await _record(sessionmaker, pseudonym, requested_at, cause, settings, now)
        if cause is None:
            report.delivered += 1
        else:
            report.failed += 1
            report.causes.append(cause)
    return report


async def _record(
    sessionmaker: async_sessionmaker[AsyncSession],
    pseudonym: str,
    requested_at: datetime,
    cause: str | None,
    settings: PrivacySettings,
    now: datetime,
) -> None:
    async with unit_of_work(sessionmaker) as session:
        row = await session.get(PostingsErasure, pseudonym, with_for_update=True, populate_existing=True)
        if row is None or row.delivered_at is not None or row.requested_at != requested_at:
            return  # erased again meanwhile: the newer request goes on the next round
        if cause is None:
            row.delivered_at, row.seeker_id, row.last_error = now, None, None
            return
        row.attempts += 1
        backoff = settings.erasure_delivery_every_seconds * 2 ** min(row.attempts, 30)
        wait = min(settings.erasure_retry_max_seconds, backoff)
        row.next_attempt_at = now + timedelta(seconds=wait)
        row.last_error = cause[:200]
