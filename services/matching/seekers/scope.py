"""Which seekers a member of staff reaches, in one place for the API and the console.

Staff list and open the seekers of their station (registered there) and of their county (the token's
`county_adcode` claim). A seeker from elsewhere is reached only by an exact lookup — their phone or
ID number, matched through its keyed lookup hash, never by decrypting and scanning — which is written
to the audit log and opens that seeker to the station for a limited time (MATCHING_SEEKERS__
LOOKUP_GRANT_HOURS). A name is searched the same way (its keyed hash, exact) but only among the seekers
the staff member already reaches: names are not unique (tens of thousands of 王伟), so a name match
says nothing about who the person at the counter is, and it opens nobody. Anything else is "not found",
the same 404 as a seeker who does not exist.
Admins reach everyone; a seeker reaches only themself (`service.check_access`).
"""

import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, false, or_, select

from services.kit.auth import Principal, Role
from services.matching.seekers import audit
from services.matching.seekers.config import get_seekers_settings
from services.matching.seekers.deps import Ctx
from services.matching.seekers.models import Seeker, SeekerAccessGrant
from services.matching.seekers.names import NAME_FIELD, name_key
from services.matching.seekers.sensitive import ID_FIELD, holder

COUNTY_CLAIM = "county_adcode"
_ADCODE = re.compile(r"^\d{6}$")
PHONE_FIELD = "phone"


def staff_county(principal: Principal) -> str | None:
    """The county a staff member serves: the token's `county_adcode` claim."""
    if principal.role != Role.STAFF:
        return None
    claimed = principal.claims.get(COUNTY_CLAIM)
    return claimed if isinstance(claimed, str) and _ADCODE.match(claimed) else None


def grant_holder(principal: Principal) -> str:
    """Whom a lookup opens a seeker to: the station, or the staff member if the token names none."""
    return principal.station_id or f"staff:{principal.sub}"


def reach(
    principal: Principal, now: datetime, among: Sequence[str] | None = None
) -> ColumnElement[bool] | None:
    """A WHERE condition on `Seeker` limiting rows to those the principal reaches (None: no limit).

    `among`: the seekers the statement is about, when known; the grants are then read for them only
    (one seeker: on that seeker's shard, docs/postgresql.md)."""
    if principal.role != Role.STAFF:
        return None
    granted = select(SeekerAccessGrant.seeker_id).where(
        SeekerAccessGrant.station_id == grant_holder(principal), SeekerAccessGrant.expires_at > now
    )
    if among is not None:
        granted = granted.where(SeekerAccessGrant.seeker_id.in_(among))
    parts: list[ColumnElement[bool]] = [Seeker.id.in_(granted)]
    if principal.station_id is not None:
        parts.append(Seeker.registered_by_station == principal.station_id)
    if (county := staff_county(principal)) is not None:
        parts.append(Seeker.county_adcode == county)
    return or_(*parts) if parts else false()


def phone_hash(ctx: Ctx, phone: str) -> str:
    return ctx.cipher.lookup_hash(phone, field=PHONE_FIELD)


async def lookup(
    ctx: Ctx,
    principal: Principal,
    *,
    phone: str | None = None,
    id_number: str | None = None,
    name: str | None = None,
) -> list[Seeker]:
    """Seekers whose phone or ID number is exactly this (already normalised and checked): each audited,
    and one outside the staff member's reach opened to their station for a limited time. A name finds
    only seekers already in reach (`by_name`)."""
    if name is not None:
        return await by_name(ctx, principal, name)
    if phone is not None:
        stmt = select(Seeker).where(Seeker.phone_hmac == phone_hash(ctx, phone))
        field = PHONE_FIELD
    elif id_number is not None:
        # The holder first (one row of a coordinator-local table), then their profile on their shard.
        owner = await holder(ctx, ctx.cipher.lookup_hash(id_number, field=ID_FIELD))
        if owner is None:
            return []
        stmt, field = select(Seeker).where(Seeker.id == owner), ID_FIELD
    else:
        return []
    found = list((await ctx.session.scalars(stmt.order_by(Seeker.id).limit(20))).all())
    now = ctx.clock.now()
    reached = await reachable(ctx, principal, [s.id for s in found], now)
    for seeker in found:
        audit.record(ctx, principal, seeker.id, "exact_lookup", [field], "matching")
        if principal.role == Role.STAFF and seeker.id not in reached:
            _grant(ctx, principal, seeker.id, field, now)
    await ctx.session.flush()
    return found


async def by_name(ctx: Ctx, principal: Principal, name: str) -> list[Seeker]:
    """Seekers in the principal's reach whose name is exactly this (after `name_key`), each audited;
    nobody is opened by a name."""
    stmt = select(Seeker).where(Seeker.name_hmac == ctx.cipher.lookup_hash(name_key(name), field=NAME_FIELD))
    if (condition := reach(principal, ctx.clock.now())) is not None:
        stmt = stmt.where(condition)
    found = list((await ctx.session.scalars(stmt.order_by(Seeker.created_at.desc()).limit(20))).all())
    for seeker in found:
        audit.record(ctx, principal, seeker.id, "name_search", [NAME_FIELD], "matching")
    await ctx.session.flush()
    return found


async def reachable(ctx: Ctx, principal: Principal, ids: Sequence[str], now: datetime) -> set[str]:
    """Of these seekers, those the principal reaches (every one unless staff): one query, for lists
    built elsewhere than from `Seeker` rows, such as a posting's candidates."""
    condition = reach(principal, now, ids)
    if not ids or condition is None:
        return set(ids)
    return set((await ctx.session.scalars(select(Seeker.id).where(Seeker.id.in_(ids), condition))).all())


async def staff_reaches(
    ctx: Ctx, seeker_id: str, staff_sub: str, station_id: str | None, county: str | None
) -> bool:
    """Whether the member of staff with these token claims reaches the seeker (asked by the postings
    service before it lets staff act for a seeker or read their record): the same rule as `reach`."""
    claims = {COUNTY_CLAIM: county} if county else {}
    staff = Principal(sub=staff_sub, role=Role.STAFF, station_id=station_id or None, claims=claims)
    return seeker_id in await reachable(ctx, staff, [seeker_id], ctx.clock.now())


def open_to_station(ctx: Ctx, seeker_id: str, station_id: str, by_sub: str, how: str) -> None:
    """The seeker opened to the station for a limited time (`how`: checkin — the seeker checked in
    there with the day's code, showing up in person)."""
    ctx.session.add(_grant_row(seeker_id, station_id, by_sub, how, ctx.clock.now()))


def _grant(ctx: Ctx, principal: Principal, seeker_id: str, field: str, now: datetime) -> None:
    ctx.session.add(_grant_row(seeker_id, grant_holder(principal), principal.sub, field, now))


def _grant_row(seeker_id: str, holder: str, by_sub: str, how: str, now: datetime) -> SeekerAccessGrant:
    hours = get_seekers_settings().lookup_grant_hours
    return SeekerAccessGrant(
        id=uuid.uuid4(),
        seeker_id=seeker_id,
        station_id=holder,
        granted_to_sub=by_sub,
        lookup=how,
        granted_at=now,
        expires_at=now + timedelta(hours=hours),
    )
