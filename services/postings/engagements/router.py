import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.db import WRITER
from services.kit.etag import IdempotencyHeader, make_etag
from services.kit.pagination import Page, PageDep
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.kit.uow import commit, rollback
from services.postings.access.exceptions import NotYourAction, WrongState
from services.postings.deps import Ctx, CtxDep
from services.postings.engagements import cancellation, presence, service, settlement
from services.postings.engagements.exceptions import (
    CheckinClosed,
    CheckinNotOpen,
    ConfirmationClosed,
    EngagementNotFound,
    OutsideGeofence,
    TooManyCodeAttempts,
    WrongCode,
)
from services.postings.engagements.models import Engagement
from services.postings.engagements.schemas import (
    Cancellation,
    Confirmation,
    EngagementRead,
    EngagementStatus,
    NotPaidReport,
    Presence,
)
from services.postings.feed import service as feed

router = APIRouter(prefix="/v1/engagements", tags=["engagements"], route_class=UnitOfWorkRoute)

Worker = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.ADMIN))]
WorkerSide = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.STAFF, Role.ADMIN, Role.SERVICE))]
EmployerSide = Annotated[Principal, Depends(require_roles(Role.EMPLOYER, Role.ADMIN))]
EitherSide = Annotated[
    Principal, Depends(require_roles(Role.SEEKER, Role.EMPLOYER, Role.STAFF, Role.ADMIN, Role.SERVICE))
]
STEP = (EngagementNotFound, WrongState, NotYourAction, Forbidden)


def read(response: Response, engagement: Engagement) -> EngagementRead:
    response.headers["ETag"] = make_etag(engagement.id, engagement.version)
    return EngagementRead.model_validate(engagement)


@router.get(
    "",
    response_model=Page[EngagementRead],
    summary="Engagements: a worker's own, an employer's shifts', staff their county's and station's",
)
async def list_engagements(
    ctx: CtxDep,
    principal: PrincipalDep,
    page: PageDep,
    status_: Annotated[EngagementStatus | None, Query(alias="status")] = None,
    posting_id: uuid.UUID | None = None,
    shift_id: uuid.UUID | None = None,
    seeker_id: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[EngagementRead]:
    filters = service.EngagementFilters(
        status=status_.value if status_ else None,
        posting_id=posting_id,
        shift_id=shift_id,
        seeker_id=seeker_id,
    )
    rows, cursor = await service.list_(ctx, principal, filters, page)
    return Page(items=[EngagementRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.get(
    "/{engagement_id}",
    response_model=EngagementRead,
    summary="One engagement (its parties, the county's staff, the referring station)",
    responses=problem_responses(EngagementNotFound),
)
async def get_engagement(
    engagement_id: uuid.UUID, ctx: CtxDep, principal: PrincipalDep, response: Response
) -> EngagementRead:
    return read(response, await service.get(ctx, principal, engagement_id))


async def _keep_failure(ctx: Ctx, engagement_id: uuid.UUID, county_adcode: str, starts_at: datetime) -> None:
    """A wrong code counts even though its request fails and rolls back: it is committed on its own."""
    await rollback(ctx.session)
    feed.discard_after(ctx.session, 0)
    await ctx.session.connection(execution_options=WRITER)
    presence.record_failure(ctx, engagement_id, county_adcode, starts_at)
    await commit(ctx.session)


PresenceStep = Callable[[Ctx, Principal, Engagement, Presence], Awaitable[Engagement]]


async def _present(
    ctx: Ctx, principal: Principal, engagement_id: uuid.UUID, body: Presence, step: PresenceStep
) -> Engagement:
    engagement = await service.get(ctx, principal, engagement_id, for_update=True)
    try:
        return await step(ctx, principal, engagement, body)
    except WrongCode:
        await _keep_failure(ctx, engagement.id, engagement.county_adcode, engagement.starts_at)
        raise


PRESENCE = (*STEP, OutsideGeofence, WrongCode, TooManyCodeAttempts)


@router.post(
    "/{engagement_id}/check-in",
    response_model=EngagementRead,
    summary="Check in at the workplace: inside the geofence, or with the employer's code",
    responses=problem_responses(*PRESENCE, CheckinNotOpen, CheckinClosed),
)
async def check_in(
    engagement_id: uuid.UUID,
    body: Presence,
    ctx: CtxDep,
    principal: Worker,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> EngagementRead:
    return read(response, await _present(ctx, principal, engagement_id, body, presence.check_in))


@router.post(
    "/{engagement_id}/check-out",
    response_model=EngagementRead,
    summary="Check out: the shift is completed and waits for the employer's confirmation",
    responses=problem_responses(*PRESENCE),
)
async def check_out(
    engagement_id: uuid.UUID,
    body: Presence,
    ctx: CtxDep,
    principal: Worker,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> EngagementRead:
    return read(response, await _present(ctx, principal, engagement_id, body, presence.check_out))


@router.post(
    "/{engagement_id}/confirm",
    response_model=EngagementRead,
    summary="Confirm hours and amount due (employer, within the window; left out: as booked)",
    responses=problem_responses(*STEP, ConfirmationClosed),
)
async def confirm(
    engagement_id: uuid.UUID,
    ctx: CtxDep,
    principal: EmployerSide,
    response: Response,
    body: Annotated[Confirmation | None, Body()] = None,
    idempotency_key: IdempotencyHeader = None,
) -> EngagementRead:
    engagement = await service.get(ctx, principal, engagement_id, for_update=True)
    await settlement.confirm(ctx, principal, engagement, body or Confirmation())
    return read(response, engagement)


@router.post(
    "/{engagement_id}/paid",
    response_model=EngagementRead,
    summary="The worker confirms the wage (or cancellation payment) was paid",
    responses=problem_responses(*STEP),
)
async def paid(
    engagement_id: uuid.UUID,
    ctx: CtxDep,
    principal: WorkerSide,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> EngagementRead:
    engagement = await service.get(ctx, principal, engagement_id, for_update=True)
    await settlement.paid(ctx, principal, engagement)
    return read(response, engagement)


@router.post(
    "/{engagement_id}/not-paid",
    response_model=EngagementRead,
    summary="The worker reports the wage unpaid: after the due date a dispute opens for the county's staff",
    responses=problem_responses(*STEP),
)
async def not_paid(
    engagement_id: uuid.UUID,
    ctx: CtxDep,
    principal: WorkerSide,
    response: Response,
    body: Annotated[NotPaidReport | None, Body()] = None,
    idempotency_key: IdempotencyHeader = None,
) -> EngagementRead:
    engagement = await service.get(ctx, principal, engagement_id, for_update=True)
    await settlement.not_paid(ctx, principal, engagement, body.note if body else None)
    return read(response, engagement)


@router.post(
    "/{engagement_id}/cancel",
    response_model=EngagementRead,
    summary="Cancel a booking: by the worker (late: a mark) or the employer (late: cancellation pay)",
    responses=problem_responses(*STEP),
)
async def cancel(
    engagement_id: uuid.UUID,
    ctx: CtxDep,
    principal: EitherSide,
    response: Response,
    body: Annotated[Cancellation | None, Body()] = None,
    idempotency_key: IdempotencyHeader = None,
) -> EngagementRead:
    engagement = await service.get(ctx, principal, engagement_id, for_update=True)
    await cancellation.cancel(ctx, principal, engagement, body.reason if body else None)
    return read(response, engagement)
