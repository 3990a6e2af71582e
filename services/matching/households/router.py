import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from services.kit.etag import IdempotencyHeader, make_etag
from services.kit.pagination import BadCursor, Page, PageDep, PageTooLarge
from services.kit.problems import Forbidden, InvalidInput
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.kit.schemas import MAX_BIGINT
from services.matching.cases.deps import CtxDep, Staff
from services.matching.cases.exceptions import DatesOutOfOrder
from services.matching.households import alerts, service
from services.matching.households.exceptions import AlertNotFound, HouseholdNotFound, MemberElsewhere
from services.matching.households.schemas import (
    AlertRead,
    HouseholdCreate,
    HouseholdRead,
    HouseholdSummary,
    MemberAdd,
)
from services.matching.seekers.exceptions import SeekerNotFound

router = APIRouter(prefix="/v1/households", tags=["households"], route_class=UnitOfWorkRoute)
CREATED: dict[int | str, dict[str, Any]] = {201: {"description": "Created"}}
HouseholdId = Annotated[uuid.UUID, Path(description="The household's id")]
ALERTS_MAX = 500


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=HouseholdRead,
    summary="Register a household (staff of its county or station)",
    responses=problems(Forbidden, HouseholdNotFound, InvalidInput),
)
async def create_household(
    body: HouseholdCreate,
    ctx: CtxDep,
    principal: Staff,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> HouseholdRead:
    household = await service.create(ctx, principal, body)
    response.headers["Location"] = f"/v1/households/{household.id}"
    response.headers["ETag"] = make_etag(household.id, household.version)
    return await service.read(ctx, household)


@router.get(
    "",
    response_model=Page[HouseholdSummary],
    summary="Households; zero=true: those at zero employment, longest at zero first, with days at zero",
    responses=problems(Forbidden, BadCursor, PageTooLarge, InvalidInput),
)
async def list_households(
    ctx: CtxDep,
    principal: Staff,
    page: PageDep,
    zero: bool | None = None,
    county: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
) -> Page[HouseholdSummary]:
    items, cursor = await service.page(ctx, principal, page, zero=zero, county=county)
    return Page(items=items, next_cursor=cursor)


@router.get(
    "/alerts",
    response_model=list[AlertRead],
    summary="Alerts to the county desk: households at zero past the limit (the console polls this)",
    responses=problems(Forbidden, InvalidInput),
)
async def list_alerts(
    ctx: CtxDep,
    principal: Staff,
    county: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    acknowledged: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=ALERTS_MAX)] = 100,
) -> list[AlertRead]:
    rows = await alerts.listed(ctx.session, principal, county, acknowledged, limit)
    return [AlertRead.model_validate(a) for a in rows]


@router.post(
    "/alerts/{alert_id}/ack",
    response_model=AlertRead,
    summary="Acknowledge an alert (staff of its county or station)",
    responses=problems(Forbidden, AlertNotFound),
)
async def acknowledge_alert(
    alert_id: Annotated[int, Path(ge=1, le=MAX_BIGINT)], ctx: CtxDep, principal: Staff
) -> AlertRead:
    return AlertRead.model_validate(
        await alerts.acknowledge(ctx.session, principal, alert_id, ctx.clock.now())
    )


@router.get(
    "/{household_id}",
    response_model=HouseholdRead,
    summary="A household: members (working age, employed), status, spells at zero",
    responses=problems(Forbidden, HouseholdNotFound),
)
async def get_household(
    household_id: HouseholdId, ctx: CtxDep, principal: Staff, response: Response
) -> HouseholdRead:
    household = await service.get_for(ctx, principal, household_id)
    response.headers["ETag"] = make_etag(household.id, household.version)
    return await service.read(ctx, household)


@router.post(
    "/{household_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=HouseholdRead,
    summary="Add a registered seeker to the household, with the member's own consent",
    responses=CREATED
    | problems(Forbidden, HouseholdNotFound, SeekerNotFound, MemberElsewhere, DatesOutOfOrder, InvalidInput),
)
async def add_member(
    household_id: HouseholdId,
    body: MemberAdd,
    ctx: CtxDep,
    principal: Staff,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> HouseholdRead:
    household = await service.get_for(ctx, principal, household_id, for_update=True)
    household = await service.add_member(ctx, principal, household, body)
    response.headers["ETag"] = make_etag(household.id, household.version)
    return await service.read(ctx, household)
