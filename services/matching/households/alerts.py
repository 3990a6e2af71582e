"""Alerts to the county desk: a household at zero longer than the limit raises one alert per spell.

Matching's own outbox: the `ZeroAlerter` task writes `household_alerts` rows; the console (or any desk
client) polls `GET /v1/households/alerts` and acknowledges them. Nothing is pushed anywhere else.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.auth import Principal
from services.kit.clock import Clock, as_utc
from services.kit.periodic import PeriodicTask
from services.kit.uow import unit_of_work
from services.matching.cases import scope
from services.matching.cases.config import CasesSettings
from services.matching.households.exceptions import AlertNotFound
from services.matching.households.models import Household, HouseholdAlert, HouseholdSpell

BATCH = 1000


async def raise_due(session: AsyncSession, settings: CasesSettings, now: datetime) -> int:
    """Alert every household whose current spell at zero passed the limit and has no alert yet."""
    limit = now - timedelta(days=settings.zero_alert_days)
    stmt = (
        select(Household, HouseholdSpell)
        .join(
            HouseholdSpell,
            and_(HouseholdSpell.household_id == Household.id, HouseholdSpell.ended_at.is_(None)),
        )
        .outerjoin(HouseholdAlert, HouseholdAlert.spell_id == HouseholdSpell.id)
        .where(Household.status == "zero", Household.zero_since < limit, HouseholdAlert.id.is_(None))
        .order_by(Household.zero_since)
        .limit(BATCH)
    )
    found = (await session.execute(stmt)).all()
    for household, spell in found:
        days = int((now - as_utc(spell.started_at)).total_seconds() // 86400)
        session.add(
            HouseholdAlert(
                household_id=household.id,
                spell_id=spell.id,
                county_adcode=household.county_adcode,
                station_id=household.station_id,
                kind="zero_too_long",
                days_at_zero=days,
                raised_at=now,
            )
        )
    await session.flush()
    return len(found)


async def listed(
    session: AsyncSession, principal: Principal, county: str | None, acknowledged: bool | None, limit: int
) -> list[HouseholdAlert]:
    stmt = select(HouseholdAlert)
    if (
        visible := scope.condition(principal, HouseholdAlert.county_adcode, HouseholdAlert.station_id)
    ) is not None:
        stmt = stmt.where(visible)
    if county is not None:
        stmt = stmt.where(HouseholdAlert.county_adcode == county)
    if acknowledged is not None:
        ack = HouseholdAlert.acknowledged_at
        stmt = stmt.where(ack.is_not(None) if acknowledged else ack.is_(None))
    return list((await session.scalars(stmt.order_by(HouseholdAlert.id).limit(limit))).all())


async def acknowledge(
    session: AsyncSession, principal: Principal, alert_id: int, now: datetime
) -> HouseholdAlert:
    alert = await session.scalar(
        select(HouseholdAlert).where(HouseholdAlert.id == alert_id).with_for_update()
    )
    if alert is None or not scope.may_see(principal, alert.county_adcode, alert.station_id):
        raise AlertNotFound()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, principal.sub
        await session.flush()
    return alert


class ZeroAlerter(PeriodicTask[int]):
    what = "zero-employment household alerts"
    task_name = "households-zero-alerter"
    span_name = "household alerts"
    log = logging.getLogger("lingong.households")

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, settings: CasesSettings
    ) -> None:
        super().__init__()
        self.sessionmaker, self.clock, self.settings = sessionmaker, clock, settings

    async def run_once(self) -> int:
        async with unit_of_work(self.sessionmaker) as session:
            return await raise_due(session, self.settings, self.clock.now())

    def work(self, result: int) -> dict[str, int] | None:
        return {"alerts.raised": result} if result else None

    def report(self, result: int) -> None:
        if result:
            self.log.info("household alerts raised", extra={"count": result})
