import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response, status

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.etag import IdempotencyHeader, make_etag
from services.kit.pagination import Page, PageDep
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings.access import actor
from services.postings.access.exceptions import (
    MatchingUnreachable,
    NotOnBehalf,
    NotYourAction,
    SeekerIdRequired,
    SeekerNotFound,
    WrongState,
)
from services.postings.applications import service
from services.postings.applications.exceptions import AlreadyApplied, ApplicationNotFound, NotAJob
from services.postings.applications.models import Application
from services.postings.applications.schemas import (
    ApplicationCreate,
    ApplicationDecision,
    ApplicationRead,
    ApplicationStatus,
)
from services.postings.deps import CtxDep
from services.postings.engagements.exceptions import (
    AlreadyBooked,
    OverlappingBooking,
    PostingNotOpen,
    ShiftFull,
    ShiftNotOpen,
    ShiftStarted,
)
from services.postings.postings import service as postings
from services.postings.postings.exceptions import PostingNotFound

router = APIRouter(tags=["applications"], route_class=UnitOfWorkRoute)

SeekerSide = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.STAFF, Role.ADMIN, Role.SERVICE))]
EmployerSide = Annotated[Principal, Depends(require_roles(Role.EMPLOYER, Role.ADMIN))]


def _read(response: Response, application: Application) -> ApplicationRead:
    response.headers["ETag"] = make_etag(application.id, application.version)
    return ApplicationRead.model_validate(application)


def _page(rows: Sequence[Application], cursor: str | None) -> Page[ApplicationRead]:
    return Page(items=[ApplicationRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.post(
    "/v1/postings/{posting_id}/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationRead,
    summary="Apply to a job (a seeker, or staff referring a seeker from their station)",
    responses=problem_responses(
        PostingNotFound,
        PostingNotOpen,
        NotAJob,
        AlreadyApplied,
        SeekerIdRequired,
        NotOnBehalf,
        SeekerNotFound,
        MatchingUnreachable,
        Forbidden,
    ),
)
async def apply(
    posting_id: uuid.UUID,
    ctx: CtxDep,
    principal: SeekerSide,
    response: Response,
    body: Annotated[ApplicationCreate | None, Body()] = None,
    idempotency_key: IdempotencyHeader = None,
) -> ApplicationRead:
    who = await actor.resolve(ctx, principal, body)
    posting = await postings.get_visible(ctx, principal, posting_id)
    application = await service.apply(ctx, who, posting, body.note if body else None)
    response.headers["Location"] = f"/v1/applications/{application.id}"
    return _read(response, application)


@router.get(
    "/v1/postings/{posting_id}/applications",
    response_model=Page[ApplicationRead],
    summary="Applications and booking requests on a posting (what you may see of them), newest first",
)
async def list_for_posting(
    posting_id: uuid.UUID,
    ctx: CtxDep,
    principal: PrincipalDep,
    page: PageDep,
    status_: Annotated[ApplicationStatus | None, Query(alias="status")] = None,
) -> Page[ApplicationRead]:
    filters = service.ApplicationFilters(status=status_.value if status_ else None, posting_id=posting_id)
    rows, cursor = await service.list_(ctx, principal, filters, page)
    return _page(rows, cursor)


@router.get(
    "/v1/applications",
    response_model=Page[ApplicationRead],
    summary="Your applications: a seeker's own, an employer's postings', staff their county's and station's",
)
async def list_applications(
    ctx: CtxDep,
    principal: PrincipalDep,
    page: PageDep,
    status_: Annotated[ApplicationStatus | None, Query(alias="status")] = None,
    posting_id: uuid.UUID | None = None,
    shift_id: uuid.UUID | None = None,
    seeker_id: Annotated[
        str | None, Query(max_length=200, description="One seeker's (what you may see of them)")
    ] = None,
) -> Page[ApplicationRead]:
    filters = service.ApplicationFilters(
        status=status_.value if status_ else None,
        posting_id=posting_id,
        shift_id=shift_id,
        seeker_id=seeker_id,
    )
    rows, cursor = await service.list_(ctx, principal, filters, page)
    return _page(rows, cursor)


@router.get(
    "/v1/applications/{application_id}",
    response_model=ApplicationRead,
    summary="One application",
    responses=problem_responses(ApplicationNotFound),
)
async def get_application(
    application_id: uuid.UUID, ctx: CtxDep, principal: PrincipalDep, response: Response
) -> ApplicationRead:
    return _read(response, await service.get(ctx, principal, application_id))


BOOKING_PROBLEMS = (ShiftFull, ShiftNotOpen, ShiftStarted, PostingNotOpen, AlreadyBooked, OverlappingBooking)


@router.post(
    "/v1/applications/{application_id}/accept",
    response_model=ApplicationRead,
    summary="Accept (employer); a booking request books the shift, setting engagement_id",
    responses=problem_responses(ApplicationNotFound, WrongState, NotYourAction, *BOOKING_PROBLEMS, Forbidden),
)
async def accept(
    application_id: uuid.UUID,
    ctx: CtxDep,
    principal: EmployerSide,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> ApplicationRead:
    application = await service.get(ctx, principal, application_id, for_update=True)
    await service.accept(ctx, principal, application)
    return _read(response, application)


@router.post(
    "/v1/applications/{application_id}/reject",
    response_model=ApplicationRead,
    summary="Reject (employer), with an optional reason the seeker sees",
    responses=problem_responses(ApplicationNotFound, WrongState, NotYourAction, Forbidden),
)
async def reject(
    application_id: uuid.UUID,
    ctx: CtxDep,
    principal: EmployerSide,
    response: Response,
    body: Annotated[ApplicationDecision | None, Body()] = None,
    idempotency_key: IdempotencyHeader = None,
) -> ApplicationRead:
    application = await service.get(ctx, principal, application_id, for_update=True)
    await service.reject(ctx, principal, application, body.reason if body else None)
    return _read(response, application)


@router.post(
    "/v1/applications/{application_id}/withdraw",
    response_model=ApplicationRead,
    summary="Withdraw (the seeker, or staff for them)",
    responses=problem_responses(ApplicationNotFound, WrongState, NotYourAction, Forbidden),
)
async def withdraw(
    application_id: uuid.UUID,
    ctx: CtxDep,
    principal: SeekerSide,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> ApplicationRead:
    application = await service.get(ctx, principal, application_id, for_update=True)
    await service.withdraw(ctx, principal, application)
    return _read(response, application)
