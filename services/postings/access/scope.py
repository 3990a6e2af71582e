"""Who sees which lifecycle record: the seeker, the posting's employer, staff of the posting's county
or of the referring station, and admins and services (everything). Anyone else gets a 404."""

import re
import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import QueryableAttribute

from services.kit.auth import Principal, Role
from services.postings.config import PostingsSettings
from services.postings.employers.models import Employer

ALL_SEEING = frozenset({Role.ADMIN, Role.SERVICE})
ON_BEHALF = frozenset({Role.STAFF, Role.ADMIN, Role.SERVICE})
COUNTY_CLAIM = "county_adcode"
_ADCODE = re.compile(r"^\d{6}$")


def staff_county(principal: Principal, settings: PostingsSettings) -> str | None:
    """A staff member's county: the token's `county_adcode` claim, else the station's in settings."""
    if principal.role != Role.STAFF:
        return None
    claimed = principal.claims.get(COUNTY_CLAIM)
    if isinstance(claimed, str) and _ADCODE.match(claimed):
        return claimed
    if principal.station_id is None:
        return None
    return settings.lifecycle.station_counties.get(principal.station_id)


def serves_county(principal: Principal, settings: PostingsSettings, county: str | None) -> bool:
    """Whether staff act for employers and postings of this county: their own county only (admins and
    the matching service act for all; an employer not yet placed in a county is open to any staff)."""
    if principal.role in ALL_SEEING:
        return True
    if principal.role != Role.STAFF:
        return False
    return county is None or county == staff_county(principal, settings)


def owned_employers(principal: Principal) -> Select[Any]:
    return select(Employer.id).where(Employer.owner_sub == principal.sub)


def condition(
    principal: Principal,
    settings: PostingsSettings,
    *,
    seeker: QueryableAttribute[str],
    employer: QueryableAttribute[uuid.UUID],
    county: QueryableAttribute[str],
    station: QueryableAttribute[str | None],
) -> ColumnElement[bool] | None:
    """A WHERE condition limiting rows to what the principal may see (None: everything)."""
    if principal.role in ALL_SEEING:
        return None
    if principal.role == Role.SEEKER:
        return seeker == principal.sub
    if principal.role == Role.EMPLOYER:
        return employer.in_(owned_employers(principal))
    parts: list[ColumnElement[bool]] = []
    if (home := staff_county(principal, settings)) is not None:
        parts.append(county == home)
    if principal.station_id is not None:
        parts.append(station == principal.station_id)
    return or_(*parts) if parts else false()


def acts_for_seeker(principal: Principal) -> bool:
    """The seeker themself, or someone acting on their behalf (staff, admin, the matching service)."""
    return principal.role == Role.SEEKER or principal.role in ON_BEHALF


def acts_for_employer(principal: Principal) -> bool:
    return principal.role in (Role.EMPLOYER, Role.ADMIN)
