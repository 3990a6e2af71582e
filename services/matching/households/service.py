"""Households: made by staff, members added with each member's consent, listed oldest at zero first."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from services.kit.auth import Principal, Role
from services.kit.pagination import BadCursor, PageParams, encode_cursor
from services.matching.cases import scope
from services.matching.cases.deps import Ctx
from services.matching.cases.exceptions import DatesOutOfOrder
from services.matching.cases.service import seeker_ctx
from services.matching.households import status
from services.matching.households.exceptions import HouseholdNotFound, MemberElsewhere
from services.matching.households.models import Household, HouseholdMember, HouseholdSpell
from services.matching.households.schemas import (
    HouseholdCreate,
    HouseholdRead,
    HouseholdSummary,
    MemberAdd,
    MemberRead,
    SpellRead,
)
from services.matching.seekers import service as seekers

CLOCK_SKEW = timedelta(minutes=5)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def create(ctx: Ctx, principal: Principal, body: HouseholdCreate) -> Household:
    station = body.station_id if principal.role == Role.ADMIN else principal.station_id
    if not scope.may_see(principal, body.county_adcode, station):
        raise HouseholdNotFound()
    now = ctx.clock.now()
    household = Household(
        id=uuid.uuid4(),
        county_adcode=body.county_adcode,
        station_id=station,
        reference=body.reference,
        status="none",
        zero_since=None,
        zero_seconds_before=0,
        created_by=principal.sub,
        created_at=now,
        updated_at=now,
        version=1,
    )
    ctx.session.add(household)
    await ctx.session.flush()
    return household


async def get_for(
    ctx: Ctx, principal: Principal, household_id: uuid.UUID, *, for_update: bool = False
) -> Household:
    stmt = select(Household).where(Household.id == household_id)
    if for_update:
        stmt = stmt.with_for_update()
    household = await ctx.session.scalar(stmt.execution_options(populate_existing=True))
    if household is None or not scope.may_see(principal, household.county_adcode, household.station_id):
        raise HouseholdNotFound()
    return household


async def add_member(ctx: Ctx, principal: Principal, household: Household, body: MemberAdd) -> Household:
    await seekers.get_for(seeker_ctx(ctx), principal, body.seeker_id)  # 404 beyond the staff's reach
    now = ctx.clock.now()
    if body.consent.agreed_at > now + CLOCK_SKEW:
        raise DatesOutOfOrder("the member's consent cannot be agreed in the future")
    ctx.session.add(
        HouseholdMember(
            id=uuid.uuid4(),
            household_id=household.id,
            seeker_id=body.seeker_id,
            consent_method=body.consent.method,
            consent_agreed_at=body.consent.agreed_at.astimezone(UTC),
            recorded_by=principal.sub,
            added_at=now,
        )
    )
    try:
        await ctx.session.flush()
    except IntegrityError as exc:
        raise MemberElsewhere() from exc
    await status.recompute(ctx.session, household, ctx.settings, now, "member_added")
    return household


def summary(household: Household, now: datetime) -> dict[str, Any]:
    current, total = status.days_at_zero(household, now)
    return {
        "id": household.id,
        "county_adcode": household.county_adcode,
        "station_id": household.station_id,
        "reference": household.reference,
        "status": household.status,
        "zero_since": household.zero_since,
        "days_at_zero": current,
        "total_days_at_zero": total,
    }


async def read(ctx: Ctx, household: Household) -> HouseholdRead:
    now = ctx.clock.now()
    members = list(
        (
            await ctx.session.scalars(
                select(HouseholdMember)
                .where(HouseholdMember.household_id == household.id)
                .order_by(HouseholdMember.added_at, HouseholdMember.seeker_id)
            )
        ).all()
    )
    ids = [m.seeker_id for m in members]
    of_age = await status.working_age(ctx.session, ids, ctx.settings, now)
    working = await status.employed(ctx.session, ids)
    spells = await ctx.session.scalars(
        select(HouseholdSpell).where(HouseholdSpell.household_id == household.id).order_by(HouseholdSpell.id)
    )
    return HouseholdRead(
        **summary(household, now),
        members=[
            MemberRead(
                seeker_id=m.seeker_id,
                working_age=m.seeker_id in of_age,
                employed=m.seeker_id in working,
                added_at=m.added_at,
            )
            for m in members
        ],
        spells=[SpellRead.model_validate(s) for s in spells.all()],
        version=household.version,
    )


async def page(
    ctx: Ctx, principal: Principal, params: PageParams, *, zero: bool | None, county: str | None
) -> tuple[list[HouseholdSummary], str | None]:
    """At zero: oldest spell first. Otherwise: oldest household first."""
    key = Household.zero_since if zero else Household.created_at
    stmt = select(Household)
    if (limit := scope.condition(principal, Household.county_adcode, Household.station_id)) is not None:
        stmt = stmt.where(limit)
    if county is not None:
        stmt = stmt.where(Household.county_adcode == county)
    if zero is not None:
        stmt = stmt.where(Household.status == "zero" if zero else Household.status != "zero")
    if params.after is not None:
        try:
            at, last = datetime.fromisoformat(params.after[0]), uuid.UUID(params.after[1])
        except ValueError as exc:
            raise BadCursor() from exc
        stmt = stmt.where(or_(key > at, and_(key == at, Household.id > last)))
    rows = list((await ctx.session.scalars(stmt.order_by(key, Household.id).limit(params.limit + 1))).all())
    more, rows = len(rows) > params.limit, rows[: params.limit]
    now = ctx.clock.now()
    items = [HouseholdSummary(**summary(h, now)) for h in rows]
    if not (more and rows):
        return items, None
    return items, encode_cursor(getattr(rows[-1], key.key), rows[-1].id)
