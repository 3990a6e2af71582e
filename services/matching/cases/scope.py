"""Which staff may see a county's records: staff of that county (token claim `county_adcode`, else the
station's county in settings) or of the record's station; admins everything; anyone else gets a 404."""

import re

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import QueryableAttribute

from services.kit.auth import Principal, Role
from services.matching.cases.config import get_cases_settings

COUNTY_CLAIM = "county_adcode"
_ADCODE = re.compile(r"^\d{6}$")


def staff_county(principal: Principal) -> str | None:
    if principal.role != Role.STAFF:
        return None
    claimed = principal.claims.get(COUNTY_CLAIM)
    if isinstance(claimed, str) and _ADCODE.match(claimed):
        return claimed
    if principal.station_id is None:
        return None
    return get_cases_settings().station_counties.get(principal.station_id)


def may_see(principal: Principal, county: str, station: str | None) -> bool:
    if principal.role == Role.ADMIN:
        return True
    if principal.role != Role.STAFF:
        return False
    home = staff_county(principal)
    return (home is not None and home == county) or (
        principal.station_id is not None and principal.station_id == station
    )


def condition(
    principal: Principal, county: QueryableAttribute[str], station: QueryableAttribute[str | None]
) -> ColumnElement[bool] | None:
    """A WHERE limiting rows to what the principal may see (None: everything)."""
    if principal.role == Role.ADMIN:
        return None
    if principal.role != Role.STAFF:
        return false()
    parts: list[ColumnElement[bool]] = []
    if (home := staff_county(principal)) is not None:
        parts.append(county == home)
    if principal.station_id is not None:
        parts.append(station == principal.station_id)
    return or_(*parts) if parts else false()
