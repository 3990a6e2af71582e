"""What a statistics route needs: who may see which counties, the settings, and facts caught up."""

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal, Role, require_roles
from services.kit.clock import Clock
from services.kit.db import is_busy
from services.kit.uow import SessionDep, unit_of_work
from services.matching.statistics import facts
from services.matching.statistics.config import StatisticsSettings, get_statistics_settings
from services.matching.statistics.exceptions import CountyOutOfScope, NoCountyScope, UnknownCounty
from services.reference.geo import counties

log = logging.getLogger("lingong.statistics")
COUNTY_CLAIM = "county_adcode"
_ADCODE = re.compile(r"^\d{6}$")

Viewer = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN))]
CountyQuery = Annotated[
    str | None,
    Query(
        pattern=r"^\d{6}$",
        description="County adcode; staff may only name their own (the default)",
        json_schema_extra={"enum": sorted(counties())},
    ),
]


def settings_of(request: Request) -> StatisticsSettings:
    settings = getattr(request.app.state, "statistics_settings", None)
    return settings if isinstance(settings, StatisticsSettings) else get_statistics_settings()


def staff_county(principal: Principal, settings: StatisticsSettings) -> str | None:
    """A staff member's county: the token's `county_adcode` claim, else their station's in settings."""
    claimed = principal.claims.get(COUNTY_CLAIM)
    if isinstance(claimed, str) and _ADCODE.match(claimed):
        return claimed
    return settings.station_counties.get(principal.station_id) if principal.station_id else None


def area_for(
    principal: Principal, settings: StatisticsSettings, county: str | None
) -> Collection[str] | None:
    """The counties a reader sees: admins every county (None) or the one named; staff their own."""
    if county is not None and county not in counties():
        raise UnknownCounty(county=county)
    if principal.role == Role.ADMIN:
        return None if county is None else {county}
    home = staff_county(principal, settings)
    if home is None:
        raise NoCountyScope()
    if county is not None and county != home:
        raise CountyOutOfScope()
    return {home}


async def caught_up(request: Request, settings: StatisticsSettings) -> None:
    """Derive what the replica changed since the last round, when it is little (the task does the rest)."""
    if settings.catch_up_on_read == 0:
        return
    state = request.app.state
    async with state.sessionmaker() as session:
        cursor, head = await facts.lag(session)
    if head <= cursor:
        return
    try:
        async with unit_of_work(state.sessionmaker) as session:
            await facts.catch_up(session, state.clock.now(), settings.catch_up_on_read)
    except Exception as exc:
        if not is_busy(exc):
            raise
        log.warning("statistics served without catching up: the database is busy with another writer")


@dataclass(slots=True)
class Reading:
    session: AsyncSession
    clock: Clock
    settings: StatisticsSettings
    area: Collection[str] | None

    @property
    def below(self) -> int:
        return self.settings.suppress_below


async def get_reading(
    request: Request, session: SessionDep, principal: Viewer, county: CountyQuery = None
) -> Reading:
    settings = settings_of(request)
    area = area_for(principal, settings, county)
    await caught_up(request, settings)
    return Reading(session, request.app.state.clock, settings, area)


ReadingDep = Annotated[Reading, Depends(get_reading)]
