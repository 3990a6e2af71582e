"""Retention: inactive profiles are told, then erased unless they come back; old records are deleted.

`sweep` runs in phases, each in batches of its own transaction, so a run that is killed resumes where
it left off on the next run and a second run finds nothing to do:

1. notify — a seeker whose last activity is older than MATCHING_PRIVACY__INACTIVE_DAYS gets one
   pending notice (a partial unique index holds it to one), dated, with the day erasure is due;
2. settle — a pending notice whose seeker was active since it was sent is `kept`; one whose seeker is
   gone is `gone`; one past `erase_after` is carried out through `seekers.service.erase` (`erased`);
3. purge — audit rows, the consent history of erased seekers, resolved notices, expired lookup grants
   and (when MATCHING_PRIVACY__CASE_KEEP_DAYS is set) erased seekers' case skeletons older than their
   own periods are deleted (a case's actions, contacts and history go with it), and impressions older
   than MATCHING_IMPRESSIONS__RETENTION_DAYS.

Activity: the profile changed, a consent given or withdrawn, a referral, a dispatch check-in, an
application or engagement in the feed, something the seeker did themself in the audit log (an export),
or the seeker answering a notice (`keep`). Nothing here depends on the wall clock: `now` is passed in.
"""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from services.kit.auth import Principal, Role
from services.kit.clock import ManualClock, as_utc
from services.kit.uow import unit_of_work
from services.matching.cases.models import Case
from services.matching.dispatch.models import DispatchCheckin
from services.matching.impressions.config import get_impression_settings
from services.matching.impressions.models import Impression
from services.matching.outcomes.models import OutcomeApplication, OutcomeEngagement
from services.matching.privacy.config import PrivacySettings
from services.matching.privacy.erasure import PSEUDONYM_PREFIX
from services.matching.privacy.exceptions import NoticeNotFound
from services.matching.privacy.models import ERASED, GONE, KEPT, PENDING, RetentionNotice
from services.matching.referrals.models import Referral
from services.matching.seekers import audit, service
from services.matching.seekers.crypto import FieldCipher
from services.matching.seekers.deps import Ctx
from services.matching.seekers.models import Seeker, SeekerAccessGrant, SeekerAudit, SeekerConsent

log = logging.getLogger("lingong.privacy")
SWEEPER = Principal(sub="privacy-retention", role=Role.SERVICE)
Stamp = tuple[InstrumentedAttribute[str], InstrumentedAttribute[Any]]
ACTIVITY: tuple[Stamp, ...] = (
    (SeekerConsent.seeker_id, SeekerConsent.recorded_at),
    (SeekerConsent.seeker_id, SeekerConsent.withdrawn_at),
    (Referral.seeker_id, Referral.created_at),
    (DispatchCheckin.seeker_id, DispatchCheckin.checked_in_at),
    (OutcomeApplication.seeker_id, OutcomeApplication.updated_at),
    (OutcomeEngagement.seeker_id, OutcomeEngagement.updated_at),
    (RetentionNotice.seeker_id, RetentionNotice.resolved_at),
)


@dataclass(slots=True)
class SweepReport:
    notified: int = 0
    kept: int = 0
    erased: int = 0
    gone: int = 0
    purged: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "notified": self.notified,
            "kept": self.kept,
            "erased": self.erased,
            "gone": self.gone,
            "purged": dict(self.purged),
        }


async def last_activity(
    session: AsyncSession, seekers: Sequence[tuple[str, datetime]]
) -> dict[str, datetime]:
    """Each seeker's latest activity: their profile's last change or any later sign of them."""
    latest = {sid: as_utc(at) for sid, at in seekers}
    ids = list(latest)
    for key, stamp in ACTIVITY:
        stmt = select(key, func.max(stamp)).where(key.in_(ids)).group_by(key)
        if key is RetentionNotice.seeker_id:
            stmt = stmt.where(RetentionNotice.status == KEPT)
        for sid, at in (await session.execute(stmt)).all():
            if at is not None:
                latest[sid] = max(latest[sid], as_utc(at))
    own = (
        select(SeekerAudit.seeker_id, func.max(SeekerAudit.at))
        .where(SeekerAudit.seeker_id.in_(ids), SeekerAudit.actor_role == Role.SEEKER.value)
        .where(SeekerAudit.actor_sub == SeekerAudit.seeker_id)
        .group_by(SeekerAudit.seeker_id)
    )
    for sid, at in (await session.execute(own)).all():
        latest[sid] = max(latest[sid], as_utc(at))
    return latest


def _ctx(session: AsyncSession, now: datetime, cipher: FieldCipher) -> Ctx:
    return Ctx(session=session, clock=ManualClock(now), cipher=cipher)


async def _notify_batch(ctx: Ctx, settings: PrivacySettings, after: str, report: SweepReport) -> str | None:
    now = ctx.clock.now()
    rows = (
        await ctx.session.execute(
            select(Seeker.id, Seeker.updated_at)
            .where(Seeker.id > after)
            .order_by(Seeker.id)
            .limit(settings.batch_size)
        )
    ).all()
    if not rows:
        return None
    cutoff = now - timedelta(days=settings.inactive_days)
    stale = [(sid, at) for sid, at in rows if as_utc(at) < cutoff]
    if stale:
        pending = set(
            (
                await ctx.session.scalars(
                    select(RetentionNotice.seeker_id).where(
                        RetentionNotice.status == PENDING,
                        RetentionNotice.seeker_id.in_([sid for sid, _ in stale]),
                    )
                )
            ).all()
        )
        activity = await last_activity(ctx.session, [r for r in stale if r[0] not in pending])
        for sid, last in activity.items():
            if last < cutoff:
                ctx.session.add(
                    RetentionNotice(
                        id=uuid.uuid4(),
                        seeker_id=sid,
                        kind="inactivity",
                        last_active_at=last,
                        sent_at=now,
                        erase_after=now + timedelta(days=settings.notice_days),
                        status=PENDING,
                    )
                )
                audit.record(ctx, SWEEPER, sid, "retention_notice", ["profile"], "retention")
                report.notified += 1
    await ctx.session.flush()
    return str(rows[-1][0])


async def _settle_batch(
    ctx: Ctx, settings: PrivacySettings, after: uuid.UUID | None, report: SweepReport
) -> uuid.UUID | None:
    now = ctx.clock.now()
    stmt = select(RetentionNotice).where(RetentionNotice.status == PENDING)
    if after is not None:
        stmt = stmt.where(RetentionNotice.id > after)
    # Several matching processes sweep: on PostgreSQL each takes the notices no other holds.
    stmt = stmt.order_by(RetentionNotice.id).limit(settings.batch_size).with_for_update(skip_locked=True)
    notices = list((await ctx.session.scalars(stmt)).all())
    if not notices:
        return None
    profiles = dict(
        (
            await ctx.session.execute(
                select(Seeker.id, Seeker.updated_at).where(Seeker.id.in_([n.seeker_id for n in notices]))
            )
        ).all()
    )
    activity = await last_activity(ctx.session, list(profiles.items()))
    for notice in notices:
        if notice.seeker_id not in profiles:
            _resolve(notice, GONE, now, "erased elsewhere")
            report.gone += 1
        elif activity[notice.seeker_id] > as_utc(notice.last_active_at):
            _resolve(notice, KEPT, now, "activity")
            report.kept += 1
        elif as_utc(notice.erase_after) <= now:
            seeker = await service.get(ctx, notice.seeker_id, for_update=True)
            await service.erase(ctx, SWEEPER, seeker)
            _resolve(notice, ERASED, now, SWEEPER.sub)
            report.erased += 1
    await ctx.session.flush()
    return notices[-1].id


def _resolve(notice: RetentionNotice, status: str, now: datetime, by: str) -> None:
    notice.status, notice.resolved_at, notice.resolved_by = status, now, by


async def _purge_batch(
    session: AsyncSession, now: datetime, settings: PrivacySettings, impression_days: int
) -> dict[str, int]:
    """One batch of each kind of expired row; {table: rows deleted}."""
    audit_cutoff = now - timedelta(days=settings.audit_days)
    gone = ~select(Seeker.id).where(Seeker.id == SeekerConsent.seeker_id).exists()
    targets: list[tuple[str, Any, Any]] = [
        ("seeker_audit", SeekerAudit.id, SeekerAudit.at < audit_cutoff),
        ("seeker_consents", SeekerConsent.id, (SeekerConsent.withdrawn_at < audit_cutoff) & gone),
        (
            "retention_notices",
            RetentionNotice.id,
            (RetentionNotice.status != PENDING)
            & (RetentionNotice.resolved_at < now - timedelta(days=settings.notice_keep_days)),
        ),
        (
            "seeker_access_grants",
            SeekerAccessGrant.id,
            SeekerAccessGrant.expires_at < now - timedelta(days=settings.grant_keep_days),
        ),
    ]
    impressions_cutoff = now - timedelta(days=impression_days)
    targets.append(("match_impressions", Impression.id, Impression.shown_at < impressions_cutoff))
    if settings.case_keep_days is not None:
        targets.append(
            (
                "cases",
                Case.id,
                Case.seeker_id.startswith(PSEUDONYM_PREFIX, autoescape=True)
                & (Case.closed_at < now - timedelta(days=settings.case_keep_days)),
            )
        )
    done: dict[str, int] = {}
    for name, key, condition in targets:
        ids = list((await session.scalars(select(key).where(condition).limit(settings.batch_size))).all())
        if ids:
            await session.execute(delete(key.class_).where(key.in_(ids)))
        done[name] = len(ids)
    return done


async def sweep(
    sessionmaker: async_sessionmaker[AsyncSession],
    cipher: FieldCipher,
    settings: PrivacySettings,
    now: datetime,
    impression_days: int | None = None,
) -> SweepReport:
    """One full pass (notify, settle, purge), batch by batch; see the module's docstring. Impressions
    are kept `impression_days` (default: MATCHING_IMPRESSIONS__RETENTION_DAYS)."""
    if impression_days is None:
        impression_days = get_impression_settings().retention_days
    report = SweepReport()
    after: str | None = ""
    while after is not None:
        async with unit_of_work(sessionmaker) as session:
            after = await _notify_batch(_ctx(session, now, cipher), settings, after, report)
    last: uuid.UUID | None = None
    while True:
        async with unit_of_work(sessionmaker) as session:
            last = await _settle_batch(_ctx(session, now, cipher), settings, last, report)
        if last is None:
            break
    while True:
        async with unit_of_work(sessionmaker) as session:
            done = await _purge_batch(session, now, settings, impression_days)
        for name, count in done.items():
            report.purged[name] = report.purged.get(name, 0) + count
        if not any(done.values()):
            return report


async def notices_of(session: AsyncSession, seeker_id: str) -> list[RetentionNotice]:
    rows = await session.scalars(
        select(RetentionNotice)
        .where(RetentionNotice.seeker_id == seeker_id)
        .order_by(RetentionNotice.sent_at.desc(), RetentionNotice.id)
    )
    return list(rows.all())


async def keep(ctx: Ctx, principal: Principal, seeker_id: str, notice_id: uuid.UUID) -> RetentionNotice:
    """The seeker (or staff for them) answers a pending notice: the profile is kept."""
    notice = await ctx.session.scalar(
        select(RetentionNotice)
        .where(
            RetentionNotice.id == notice_id,
            RetentionNotice.seeker_id == seeker_id,
            RetentionNotice.status == PENDING,
        )
        .with_for_update()
    )
    if notice is None:
        raise NoticeNotFound()
    _resolve(notice, KEPT, ctx.clock.now(), f"{principal.role.value}:{principal.sub}")
    audit.record(ctx, principal, seeker_id, "retention_kept", ["profile"], "retention")
    await ctx.session.flush()
    return notice
