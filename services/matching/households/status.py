"""Zero-employment status: a household is at zero when it has members of working age who want work
(a live profile) and none is in work (an open placement from the feed). Recomputed when a member is
added and when the feed places a member or their work ends, inside that transaction."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import as_utc
from services.matching.cases.config import CasesSettings
from services.matching.households.models import Household, HouseholdMember, HouseholdSpell
from services.matching.outcomes.hooks import Handler, Signal
from services.matching.outcomes.models import Placement
from services.matching.seekers.models import Seeker
from services.matching.seekers.query import age_at

DAY = timedelta(days=1)


async def member_ids(session: AsyncSession, household_id: object) -> list[str]:
    rows = await session.scalars(
        select(HouseholdMember.seeker_id).where(HouseholdMember.household_id == household_id)
    )
    return list(rows.all())


async def working_age(
    session: AsyncSession, seeker_ids: Sequence[str], settings: CasesSettings, now: datetime
) -> set[str]:
    """Members with a live profile (they want work) whose age is within the working ages."""
    if not seeker_ids:  # an empty household asks no shard
        return set()
    rows = await session.execute(
        select(Seeker.id, Seeker.birth_year, Seeker.birth_month).where(Seeker.id.in_(seeker_ids))
    )
    return {
        sid
        for sid, year, month in rows.all()
        if settings.working_age_min <= age_at(year, month, now) < settings.working_age_max
    }


async def employed(session: AsyncSession, seeker_ids: Sequence[str]) -> set[str]:
    if not seeker_ids:
        return set()
    rows = await session.scalars(
        select(Placement.seeker_id).where(Placement.seeker_id.in_(seeker_ids), Placement.ended_at.is_(None))
    )
    return set(rows.all())


async def recompute(
    session: AsyncSession, household: Household, settings: CasesSettings, now: datetime, why: str
) -> None:
    members = await member_ids(session, household.id)
    eligible = await working_age(session, members, settings, now)
    status = "none" if not eligible else ("cleared" if await employed(session, members) else "zero")
    if status == household.status:
        return
    if status == "zero" and household.zero_since is None:
        household.zero_since = now
        session.add(HouseholdSpell(household_id=household.id, started_at=now))
    elif status != "zero" and household.zero_since is not None:
        spell = await session.scalar(
            select(HouseholdSpell)
            .where(HouseholdSpell.household_id == household.id, HouseholdSpell.ended_at.is_(None))
            .with_for_update()
        )
        if spell is not None:
            spell.ended_at, spell.ended_by = now, why
        household.zero_seconds_before += int((now - as_utc(household.zero_since)).total_seconds())
        household.zero_since = None
    household.status = status
    household.version += 1
    household.updated_at = now
    await session.flush()


def handler(settings: CasesSettings) -> Handler:
    async def on_outcomes(session: AsyncSession, signals: Sequence[Signal], now: datetime) -> None:
        seekers = {s.seeker_id for s in signals if s.kind in ("placed", "work_ended")}
        if not seekers:
            return
        rows = await session.scalars(
            select(Household)
            .join(HouseholdMember, HouseholdMember.household_id == Household.id)
            .where(HouseholdMember.seeker_id.in_(seekers))
            .with_for_update(of=Household)
            .execution_options(populate_existing=True)
        )
        for household in rows.unique().all():
            await recompute(session, household, settings, now, "placed")

    return on_outcomes


def days_at_zero(household: Household, now: datetime) -> tuple[int, int]:
    """(whole days in the current spell, whole days over all spells)."""
    current = (now - as_utc(household.zero_since)).total_seconds() if household.zero_since else 0.0
    return int(current // DAY.total_seconds()), int(
        (household.zero_seconds_before + current) // DAY.total_seconds()
    )
