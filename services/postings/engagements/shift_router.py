import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response, status
from sqlalchemy import select

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.etag import IdempotencyHeader, make_etag
from services.kit.pagination import Page, PageDep
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings import shard
from services.postings.access import actor
from services.postings.access.exceptions import (
    MatchingUnreachable,
    NotOnBehalf,
    SeekerIdRequired,
    SeekerNotFound,
    WrongState,
)
from services.postings.applications.exceptions import AlreadyApplied
from services.postings.applications.models import Application
from services.postings.applications.schemas import ApplicationRead
from services.postings.deps import Ctx, CtxDep
from services.postings.employers.models import Employer
from services.postings.engagements import cancellation, presence, service
from services.postings.engagements.exceptions import (
    AlreadyBooked,
    CodeNotAvailable,
    OverlappingBooking,
    PostingNotOpen,
    ShiftFull,
    ShiftNotOpen,
    ShiftStarted,
)
from services.postings.engagements.router import read
from services.postings.engagements.schemas import (
    BookingCreate,
    BookingRead,
    Cancellation,
    CheckinCode,
    EngagementRead,
    EngagementStatus,
)
from services.postings.postings import service as postings
from services.postings.postings.exceptions import PostingNotFound
from services.postings.postings.models import Posting
from services.postings.shifts.exceptions import ShiftNotFound
from services.postings.shifts.models import Shift
from services.postings.shifts.schemas import ShiftRead

router = APIRouter(prefix="/v1/shifts/{shift_id}", tags=["engagements"], route_class=UnitOfWorkRoute)

SeekerSide = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.STAFF, Role.ADMIN, Role.SERVICE))]
EmployerSide = Annotated[Principal, Depends(require_roles(Role.EMPLOYER, Role.ADMIN))]

_REQUESTED: dict[int | str, dict[str, Any]] = {
    202: {"model": BookingRead, "description": "review shift: the request waits for the employer"}
}


@router.post(
    "/bookings",
    status_code=status.HTTP_201_CREATED,
    response_model=BookingRead,
    summary="Book a slot (instant shift, 201) or ask for one (review shift, 202)",
    responses=_REQUESTED
    | problem_responses(
        ShiftNotFound,
        ShiftFull,
        ShiftNotOpen,
        ShiftStarted,
        PostingNotOpen,
        AlreadyBooked,
        AlreadyApplied,
        OverlappingBooking,
        SeekerIdRequired,
        NotOnBehalf,
        SeekerNotFound,
        MatchingUnreachable,
        Forbidden,
    ),
)
async def book(
    shift_id: uuid.UUID,
    ctx: CtxDep,
    principal: SeekerSide,
    response: Response,
    body: Annotated[BookingCreate | None, Body()] = None,
    idempotency_key: IdempotencyHeader = None,
) -> BookingRead:
    who = await actor.resolve(ctx, principal, body)
    result = await service.book(ctx, principal, who, shift_id, body.note if body else None)
    if isinstance(result, Application):
        response.status_code = status.HTTP_202_ACCEPTED
        response.headers["Location"] = f"/v1/applications/{result.id}"
        return BookingRead(outcome="requested", application=ApplicationRead.model_validate(result))
    response.headers["Location"] = f"/v1/engagements/{result.id}"
    return BookingRead(outcome="booked", engagement=read(response, result))


@router.get(
    "/engagements",
    response_model=Page[EngagementRead],
    summary="Who is booked on the shift (the employer; staff; a worker sees only their own)",
)
async def shift_engagements(
    shift_id: uuid.UUID,
    ctx: CtxDep,
    principal: PrincipalDep,
    page: PageDep,
    status_: Annotated[EngagementStatus | None, Query(alias="status")] = None,
) -> Page[EngagementRead]:
    filters = service.EngagementFilters(shift_id=shift_id, status=status_.value if status_ else None)
    rows, cursor = await service.list_(ctx, principal, filters, page)
    return Page(items=[EngagementRead.model_validate(r) for r in rows], next_cursor=cursor)


async def _owned_shift(ctx: Ctx, principal: Principal, shift_id: uuid.UUID) -> Shift:
    row = (
        await ctx.session.execute(
            select(Shift, Employer.owner_sub)
            .join(Posting, (Posting.id == Shift.posting_id) & (Posting.county_adcode == Shift.county_adcode))
            .join(Employer, Employer.id == Posting.employer_id)
            .where(*shard.on(Shift.id, shift_id))
        )
    ).first()
    if row is None or (principal.role == Role.EMPLOYER and row[1] != principal.sub):
        raise ShiftNotFound()
    return row[0]


@router.get(
    "/checkin-code",
    response_model=CheckinCode,
    summary="The rotating check-in code to show workers without GPS (the shift's employer)",
    responses=problem_responses(ShiftNotFound, CodeNotAvailable, Forbidden),
)
async def checkin_code(
    shift_id: uuid.UUID, ctx: CtxDep, principal: EmployerSide, response: Response
) -> CheckinCode:
    code = presence.code_for(ctx, await _owned_shift(ctx, principal, shift_id))
    response.headers["Cache-Control"] = "no-store"
    return code


@router.post(
    "/cancel",
    response_model=ShiftRead,
    summary="Call a shift off: bookings cancelled by the employer (inside the notice: cancellation pay)",
    responses=problem_responses(ShiftNotFound, PostingNotFound, WrongState, ShiftStarted, Forbidden),
)
async def cancel_shift(
    shift_id: uuid.UUID,
    ctx: CtxDep,
    principal: EmployerSide,
    response: Response,
    body: Annotated[Cancellation | None, Body()] = None,
    idempotency_key: IdempotencyHeader = None,
) -> ShiftRead:
    shift = await _owned_shift(ctx, principal, shift_id)
    posting = await postings.get_for_change(ctx, principal, shift.posting_id)
    await cancellation.cancel_shift(ctx, principal, posting, shift, body.reason if body else None)
    response.headers["ETag"] = make_etag(shift.id, shift.version)
    return ShiftRead.model_validate(shift)
