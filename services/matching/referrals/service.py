"""Referrals: staff apply to a job or book a gig shift for a seeker through the postings service, and
the referral is recorded here with the station.

The call to the postings service happens outside any database transaction (a slow answer must not
hold the matching database's write lock); the record is written after it in a short unit of work.
The same key sent twice (a double click, a retry) reaches the postings service twice, which replays
its first answer, and finds the first record here: one application or booking, one row.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.auth import Principal
from services.kit.clock import Clock
from services.kit.uow import unit_of_work
from services.matching.referrals.client import Answer, Done, PostingsActions, Refused
from services.matching.referrals.models import Referral
from services.matching.referrals.schemas import ReferralCreate, ReferralRead
from services.matching.seekers import service as seekers
from services.matching.seekers.crypto import FieldCipher
from services.matching.seekers.deps import Ctx


@dataclass(frozen=True, slots=True)
class ReferralEnv:
    """What a referral needs from the app: the database, the clock, the field cipher, the client."""

    db: async_sessionmaker[AsyncSession]
    clock: Clock
    cipher: FieldCipher
    actions: PostingsActions


@dataclass(frozen=True, slots=True)
class Referrer:
    """Who refers: the staff member's principal and the bearer token forwarded to the postings service."""

    principal: Principal
    token: str


async def _existing(session: AsyncSession, seeker_id: str, staff_sub: str, key: str) -> Referral | None:
    """The referral this key already recorded for this seeker (read on the seeker's shard)."""
    return await session.scalar(
        select(Referral).where(
            Referral.seeker_id == seeker_id, Referral.staff_sub == staff_sub, Referral.idempotency_key == key
        )
    )


async def _record(
    db: async_sessionmaker[AsyncSession],
    clock: Clock,
    who: Principal,
    seeker_id: str,
    body: ReferralCreate,
    done: Done,
    key: str,
) -> Referral:
    row = Referral(
        station_id=who.station_id,
        staff_sub=who.sub,
        seeker_id=seeker_id,
        posting_id=done.posting_id,
        shift_id=body.shift_id,
        outcome=done.outcome,
        application_id=done.application_id,
        engagement_id=done.engagement_id,
        idempotency_key=key,
        created_at=clock.now(),
    )
    try:
        async with unit_of_work(db) as session:
            if (found := await _existing(session, seeker_id, who.sub, key)) is not None:
                return found
            session.add(row)
            await session.flush()
    except IntegrityError:  # the twin request recorded it first
        async with unit_of_work(db, writer=False) as session:
            found = await _existing(session, seeker_id, who.sub, key)
        if found is None:
            raise
        return found
    return row


async def send(
    actions: PostingsActions, referrer: Referrer, seeker_id: str, body: ReferralCreate, key: str
) -> Answer:
    """The postings service's answer to one referral (no record written)."""
    who = referrer.principal
    if body.shift_id is not None:
        return await actions.book(referrer.token, body.shift_id, seeker_id, key)
    assert body.posting_id is not None  # ReferralCreate names exactly one
    return await actions.apply(referrer.token, body.posting_id, seeker_id, who.station_id, body.note, key)


async def refer(
    env: ReferralEnv, referrer: Referrer, seeker_id: str, body: ReferralCreate, key: str | None = None
) -> Referral | Refused:
    """Refer the seeker (whom this staff member may see) and record it; a refusal is returned, not
    recorded. Raises `SeekerNotFound` for a seeker out of reach, `PostingsUnreachable` when the
    postings service cannot be reached (then nothing is recorded)."""
    key = key or uuid.uuid4().hex
    async with unit_of_work(env.db, writer=False) as session:
        await seekers.get_for(Ctx(session, env.clock, env.cipher), referrer.principal, seeker_id)
        found = await _existing(session, seeker_id, referrer.principal.sub, key)
    if found is not None:
        return found
    answer = await send(env.actions, referrer, seeker_id, body, key)
    if isinstance(answer, Refused):
        return answer
    return await _record(env.db, env.clock, referrer.principal, seeker_id, body, answer, key)


def to_read(row: Referral) -> ReferralRead:
    return ReferralRead.model_validate(row)


async def for_seeker(env: ReferralEnv, principal: Principal, seeker_id: str) -> Sequence[Referral]:
    """A seeker's referrals (whom this principal may see), newest first."""
    stmt = select(Referral).where(Referral.seeker_id == seeker_id).order_by(Referral.created_at.desc())
    async with unit_of_work(env.db, writer=False) as session:
        await seekers.get_for(Ctx(session, env.clock, env.cipher), principal, seeker_id)
        return (await session.scalars(stmt)).all()


async def count_by_outcome(session: AsyncSession, station_id: str | None, since: datetime) -> dict[str, int]:
    """How many referrals the station made since `since`, by outcome."""
    stmt = (
        select(Referral.outcome, func.count())
        .where(Referral.station_id == station_id, Referral.created_at >= since)
        .group_by(Referral.outcome)
    )
    return {outcome: int(n) for outcome, n in (await session.execute(stmt)).all()}
