"""The station's week in numbers, and its gig shifts still short of workers (from the replica)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal
from services.matching.referrals.models import Referral
from services.matching.replica.models import ReplicaEmployer, ReplicaPosting
from services.matching.seekers.models import Seeker
from services.matching.seekers.scope import staff_county

CHINA = ZoneInfo("Asia/Shanghai")
SHORT_HORIZON = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class ShortShift:
    posting_id: str
    title: str
    employer: str | None
    starts_at: datetime
    ends_at: datetime
    headcount: int
    filled: int

    @property
    def missing(self) -> int:
        return self.headcount - self.filled

    @property
    def starts_local(self) -> str:
        """When, in China time: 12-07 08:00–12:00."""
        starts, ends = self.starts_at.astimezone(CHINA), self.ends_at.astimezone(CHINA)
        return f"{starts:%m-%d %H:%M}–{ends:%H:%M}"


@dataclass(frozen=True, slots=True)
class Week:
    since: datetime
    seekers_served: int
    registered: int
    referrals: int
    bookings: int
    placements: int
    short_shifts: list[ShortShift]


def week_start(now: datetime) -> datetime:
    """Monday 00:00 in China of the week `now` falls in."""
    local = now.astimezone(CHINA)
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


async def station_week(session: AsyncSession, staff: Principal, now: datetime) -> Week:
    """This week's work of the staff member's station (Monday to now, China time)."""
    since = week_start(now)
    station = staff.station_id
    outcomes = dict(
        (
            await session.execute(
                select(Referral.outcome, func.count())
                .where(Referral.station_id == station, Referral.created_at >= since)
                .group_by(Referral.outcome)
            )
        ).all()
    )
    registered_ids = select(Seeker.id).where(
        Seeker.registered_by_station == station, Seeker.created_at >= since
    )
    referred_ids = select(Referral.seeker_id).where(
        Referral.station_id == station, Referral.created_at >= since
    )
    served = await session.scalar(
        select(func.count()).select_from(union(registered_ids, referred_ids).subquery())
    )
    registered = await session.scalar(select(func.count()).select_from(registered_ids.subquery()))
    booked = int(outcomes.get("booked", 0))
    return Week(
        since=since,
        seekers_served=int(served or 0),
        registered=int(registered or 0),
        referrals=sum(int(n) for n in outcomes.values()),
        bookings=booked + int(outcomes.get("requested", 0)),
        placements=booked,
        short_shifts=await short_shifts(session, staff_county(staff), now),
    )


async def short_shifts(
    session: AsyncSession, county: str | None, now: datetime, limit: int = 20
) -> list[ShortShift]:
    """Open gig shifts in the county starting within three days that still have free places, soonest first."""
    if county is None:
        return []
    rows = await session.execute(
        select(ReplicaPosting.snapshot, ReplicaEmployer.name)
        .outerjoin(ReplicaEmployer, ReplicaEmployer.id == ReplicaPosting.employer_id)
        .where(
            ReplicaPosting.status == "open",
            ReplicaPosting.kind == "gig",
            ReplicaPosting.county_adcode == county,
        )
    )
    found = [s for snapshot, name in rows for s in _short(snapshot, name, now)]
    return sorted(found, key=lambda s: s.starts_at)[:limit]


def _short(snapshot: dict[str, Any], employer: str | None, now: datetime) -> list[ShortShift]:
    out = []
    for shift in snapshot.get("shifts") or []:
        starts = datetime.fromisoformat(str(shift["starts_at"]))
        if shift.get("status") != "open" or not now <= starts <= now + SHORT_HORIZON:
            continue
        if int(shift["filled"]) < int(shift["headcount"]):
            out.append(
                ShortShift(
                    str(snapshot["id"]),
                    str(snapshot["title"]),
                    employer,
                    starts,
                    datetime.fromisoformat(str(shift["ends_at"])),
                    int(shift["headcount"]),
                    int(shift["filled"]),
                )
            )
    return out
