"""Consent records: one row per purpose agreed, who recorded it and how; withdrawal ends it at once."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal, Role
from services.matching.seekers import changes
from services.matching.seekers.deps import Ctx
from services.matching.seekers.exceptions import (
    ConsentChanged,
    ConsentNotFound,
    ConsentRequired,
    InvalidConsent,
)
from services.matching.seekers.models import SeekerConsent
from services.matching.seekers.schemas import ConsentIn, ConsentMethod, ConsentPurpose

CLOCK_SKEW = timedelta(minutes=5)
OLDEST_AGREEMENT = timedelta(days=365)


async def active_purposes(session: AsyncSession, seeker_id: str) -> frozenset[str]:
    rows = await session.scalars(
        select(SeekerConsent.purpose).where(
            SeekerConsent.seeker_id == seeker_id, SeekerConsent.withdrawn_at.is_(None)
        )
    )
    return frozenset(rows.all())


async def require(session: AsyncSession, seeker_id: str, purpose: ConsentPurpose) -> None:
    if purpose.value not in await active_purposes(session, seeker_id):
        raise ConsentRequired(f"no active consent for {purpose.value}", purpose=purpose.value)


def _agreed_at(ctx: Ctx, principal: Principal, body: ConsentIn) -> datetime:
    now = ctx.clock.now()
    if principal.role == Role.SEEKER and body.method != ConsentMethod.APP:
        raise InvalidConsent("a seeker records consent in the app (method: app)")
    agreed = body.agreed_at or now
    if agreed > now + CLOCK_SKEW or agreed < now - OLDEST_AGREEMENT:
        raise InvalidConsent("agreed_at must be within the last year and not in the future")
    return agreed


async def grant(ctx: Ctx, principal: Principal, seeker_id: str, body: ConsentIn) -> list[SeekerConsent]:
    """Record each purpose not already active; returns the rows added."""
    agreed = _agreed_at(ctx, principal, body)
    active = await active_purposes(ctx.session, seeker_id)
    now = ctx.clock.now()
    added = [
        SeekerConsent(
            id=uuid.uuid4(),
            seeker_id=seeker_id,
            purpose=purpose.value,
            method=body.method.value,
            agreed_at=agreed,
            recorded_at=now,
            recorded_by_role=principal.role.value,
            recorded_by_sub=principal.sub,
            recorded_by_station=principal.station_id,
        )
        for purpose in body.purposes
        if purpose.value not in active
    ]
    ctx.session.add_all(added)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:  # the same purpose granted concurrently
        raise ConsentChanged("this consent was just recorded; read the consents again") from exc
    if added:
        changes.touched(ctx, seeker_id)
    return added


async def withdraw(ctx: Ctx, principal: Principal, seeker_id: str, purpose: ConsentPurpose) -> None:
    """End the active consent for `purpose` now: its data stops being used from this commit on."""
    row = await ctx.session.scalar(
        select(SeekerConsent)
        .where(
            SeekerConsent.seeker_id == seeker_id,
            SeekerConsent.purpose == purpose.value,
            SeekerConsent.withdrawn_at.is_(None),
        )
        .with_for_update()
    )
    if row is None:
        raise ConsentNotFound()
    _end(ctx, principal, row)
    await ctx.session.flush()
    changes.touched(ctx, seeker_id)


async def withdraw_all(ctx: Ctx, principal: Principal, seeker_id: str) -> None:
    rows = await ctx.session.scalars(
        select(SeekerConsent).where(
            SeekerConsent.seeker_id == seeker_id, SeekerConsent.withdrawn_at.is_(None)
        )
    )
    for row in rows.all():
        _end(ctx, principal, row)
    await ctx.session.flush()


def _end(ctx: Ctx, principal: Principal, row: SeekerConsent) -> None:
    row.withdrawn_at = ctx.clock.now()
    row.withdrawn_by_role = principal.role.value
    row.withdrawn_by_sub = principal.sub


async def history(session: AsyncSession, seeker_id: str) -> list[SeekerConsent]:
    rows = await session.scalars(
        select(SeekerConsent)
        .where(SeekerConsent.seeker_id == seeker_id)
        .order_by(SeekerConsent.recorded_at, SeekerConsent.purpose)
    )
    return list(rows.all())
