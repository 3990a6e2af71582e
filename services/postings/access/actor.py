"""Who a seeker-side request is for, and who made it: the seeker, or staff / the matching service
acting on their behalf (a referral, recorded with the station).

The one place a request acting for a seeker is let through: a member of staff acts only for a seeker
they reach, as the matching service says (`access/reach.py`); admins and the matching service act for
all."""

from dataclasses import dataclass

from services.kit.auth import Principal, Role
from services.postings.access import reach
from services.postings.access.exceptions import NotOnBehalf, SeekerIdRequired
from services.postings.access.schemas import OnBehalf
from services.postings.deps import Ctx


@dataclass(frozen=True, slots=True)
class Actor:
    seeker_id: str
    source: str  # self | station | service
    station_id: str | None
    referred_by: str | None


async def resolve(ctx: Ctx, principal: Principal, body: OnBehalf | None) -> Actor:
    seeker_id = body.seeker_id if body else None
    station_id = body.station_id if body else None
    if principal.role == Role.SEEKER:
        if seeker_id not in (None, principal.sub) or station_id is not None:
            raise NotOnBehalf()
        return Actor(principal.sub, "self", None, None)
    if seeker_id is None:
        raise SeekerIdRequired()
    if principal.role == Role.STAFF:
        if station_id not in (None, principal.station_id):
            raise NotOnBehalf("staff refer from their own station")
        await reach.require(ctx.reach, principal, seeker_id, ctx.clock.now())
        return Actor(seeker_id, "station", principal.station_id, principal.sub)
    return Actor(seeker_id, "station" if station_id else "service", station_id, principal.sub)
