import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status

from services.kit.auth import Role
from services.kit.etag import IdempotencyHeader, IfMatchHeader, check_if_match, make_etag
from services.kit.pagination import BadCursor, Page, PageDep, PageTooLarge
from services.kit.problems import Forbidden, InvalidInput, PreconditionFailed, PreconditionRequired
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.matching.cases import scope, service, views
from services.matching.cases.deps import Anyone, Ctx, CtxDep, Staff, audited_read
from services.matching.cases.exceptions import (
    AlreadyCertified,
    CalendarNotPublished,
    CaseClosed,
    CaseExists,
    CaseNotFound,
    DatesOutOfOrder,
    DeclineReasonMismatch,
    DeclinesNotRecorded,
    EmployedFromFeedOnly,
    UnknownCloseReason,
    UnknownGroup,
)
from services.matching.cases.models import Case
from services.matching.cases.schemas import (
    SEEKER_ID,
    ActionCreate,
    ActionRead,
    CaseClose,
    CaseCreate,
    CaseRead,
    CaseSummary,
    ContactCreate,
    ContactRead,
    PlanUpdate,
    SeekerPlan,
)
from services.matching.seekers.exceptions import ConsentRequired, SeekerNotFound

router = APIRouter(tags=["cases"], route_class=UnitOfWorkRoute)
CREATED: dict[int | str, dict[str, Any]] = {201: {"description": "Created"}}
CaseId = Annotated[uuid.UUID, Path(description="The case's id")]
WRITE = (Forbidden, CaseNotFound, CaseClosed, InvalidInput)


async def _full(ctx: Ctx, principal: Any, case: Case, response: Response) -> CaseRead:
    response.headers["ETag"] = make_etag(case.id, case.version)
    return await views.full(ctx, principal, case)


@router.post(
    "/v1/cases",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseRead,
    summary="Open a case for a priority-group seeker (staff; needs their sensitive-data consent)",
    responses=problems(
        Forbidden,
        SeekerNotFound,
        ConsentRequired,
        UnknownGroup,
        DatesOutOfOrder,
        CaseExists,
        CalendarNotPublished,
        InvalidInput,
    ),
)
async def open_case(
    body: CaseCreate,
    ctx: CtxDep,
    principal: Staff,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> CaseRead:
    case = await service.open_case(ctx, principal, body)
    response.headers["Location"] = f"/v1/cases/{case.id}"
    return await _full(ctx, principal, case, response)


CaseStatus = Literal["pending", "active", "aftercare", "closed"]


@router.get(
    "/v1/cases",
    response_model=Page[CaseSummary],
    summary="Cases of your county or station, newest first, with what is overdue (each listing audited)",
    responses=problems(Forbidden, BadCursor, PageTooLarge, InvalidInput),
)
async def list_cases(
    request: Request,
    principal: Staff,
    page: PageDep,
    station: Annotated[str | None, Query(pattern=SEEKER_ID)] = None,
    county: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    status_: Annotated[CaseStatus | None, Query(alias="status")] = None,
    group: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")] = None,
    overdue: bool | None = None,
) -> Page[CaseSummary]:
    filters = views.Filters(station=station, county=county, status=status_, group=group, overdue=overdue)
    async with audited_read(request) as ctx:
        items, cursor = await views.page(ctx, principal, filters, page)
    return Page(items=items, next_cursor=cursor)


@router.get(
    "/v1/cases/{case_id}",
    response_model=CaseRead,
    summary="A case: plan, actions, log, history, minimums; evidence masked; the read is audited",
    responses=problems(Forbidden, CaseNotFound),
)
async def get_case(case_id: CaseId, request: Request, principal: Staff, response: Response) -> CaseRead:
    async with audited_read(request) as ctx:
        case = await service.get_for(ctx, principal, case_id)
        return await _full(ctx, principal, case, response)


@router.patch(
    "/v1/cases/{case_id}",
    response_model=CaseRead,
    summary="Change the plan: caseworker, goal, next contact date (If-Match)",
    responses=problems(*WRITE, DatesOutOfOrder, PreconditionFailed, PreconditionRequired),
)
async def update_plan(
    case_id: CaseId,
    body: PlanUpdate,
    ctx: CtxDep,
    principal: Staff,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CaseRead:
    case = await service.get_for(ctx, principal, case_id, for_update=True)
    check_if_match(if_match, make_etag(case.id, case.version))
    return await _full(ctx, principal, await service.update_plan(ctx, principal, case, body), response)


@router.post(
    "/v1/cases/{case_id}/certify",
    response_model=CaseRead,
    summary="Certify the seeker's priority group (pending → active)",
    responses=problems(*WRITE, AlreadyCertified),
)
async def certify(
    case_id: CaseId,
    ctx: CtxDep,
    principal: Staff,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> CaseRead:
    case = await service.get_for(ctx, principal, case_id, for_update=True)
    return await _full(ctx, principal, await service.certify(ctx, principal, case), response)


@router.post(
    "/v1/cases/{case_id}/actions",
    status_code=status.HTTP_201_CREATED,
    response_model=ActionRead,
    summary="Add a planned action with its due date (职业指导, 岗位推荐, 技能培训, 公益性岗位安置, …)",
    responses=CREATED | problems(*WRITE, DatesOutOfOrder),
)
async def add_action(
    case_id: CaseId,
    body: ActionCreate,
    ctx: CtxDep,
    principal: Staff,
    idempotency_key: IdempotencyHeader = None,
) -> ActionRead:
    case = await service.get_for(ctx, principal, case_id, for_update=True)
    return ActionRead.model_validate(await service.add_action(ctx, principal, case, body))


@router.post(
    "/v1/cases/{case_id}/contacts",
    status_code=status.HTTP_201_CREATED,
    response_model=ContactRead,
    summary="Log a contact, offer or referral with its outcome (and the reason when declined)",
    responses=CREATED | problems(*WRITE, DatesOutOfOrder, DeclineReasonMismatch),
)
async def add_contact(
    case_id: CaseId,
    body: ContactCreate,
    ctx: CtxDep,
    principal: Staff,
    idempotency_key: IdempotencyHeader = None,
) -> ContactRead:
    case = await service.get_for(ctx, principal, case_id, for_update=True)
    return ContactRead.model_validate(await service.add_contact(ctx, principal, case, body))


@router.post(
    "/v1/cases/{case_id}/close",
    response_model=CaseRead,
    summary="Close with a reason of the 就业援助 rules and a note (employed: after the after-care check)",
    responses=problems(*WRITE, UnknownCloseReason, EmployedFromFeedOnly, DeclinesNotRecorded),
)
async def close_case(
    case_id: CaseId,
    body: CaseClose,
    ctx: CtxDep,
    principal: Staff,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> CaseRead:
    case = await service.get_for(ctx, principal, case_id, for_update=True)
    return await _full(ctx, principal, await service.close(ctx, principal, case, body), response)


@router.get(
    "/v1/seekers/{seeker_id}/case",
    response_model=SeekerPlan,
    summary="A seeker's own plan (the seeker, or staff of the case's county or station)",
    responses=problems(Forbidden, CaseNotFound),
)
async def seeker_case(
    seeker_id: Annotated[str, Path(pattern=SEEKER_ID)], ctx: CtxDep, principal: Anyone
) -> SeekerPlan:
    if principal.role == Role.SEEKER and principal.sub != seeker_id:
        raise CaseNotFound()
    case = await service.latest_case_of(ctx, seeker_id)
    if case is None or (
        principal.role != Role.SEEKER and not scope.may_see(principal, case.county_adcode, case.station_id)
    ):
        raise CaseNotFound()
    return await views.plan_for_seeker(ctx, case)
