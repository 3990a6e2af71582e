import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.etag import IdempotencyHeader
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings.deps import CtxDep
from services.postings.postings import service as postings
from services.postings.postings.exceptions import PostingClosed, PostingNotFound
from services.postings.shifts import service
from services.postings.shifts.exceptions import NotAGig, ShiftInPast, ShiftTooFarAhead, TooManyShifts
from services.postings.shifts.schemas import ShiftCreate, ShiftRead

router = APIRouter(prefix="/v1/postings/{posting_id}/shifts", tags=["shifts"], route_class=UnitOfWorkRoute)

Writer = Annotated[Principal, Depends(require_roles(Role.EMPLOYER, Role.STAFF, Role.ADMIN, Role.SERVICE))]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ShiftRead,
    summary="Add a shift to a gig",
    responses=problem_responses(
        PostingNotFound, PostingClosed, NotAGig, ShiftInPast, ShiftTooFarAhead, TooManyShifts, Forbidden
    ),
)
async def create_shift(
    posting_id: uuid.UUID,
    body: ShiftCreate,
    ctx: CtxDep,
    principal: Writer,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> ShiftRead:
    posting = await postings.get_for_change(ctx, principal, posting_id)
    if posting.status == "closed":
        raise PostingClosed()
    shift = service.add(ctx, posting, body)
    await postings.bump(ctx, posting, "posting.updated")
    ctx.emit("shift.created", shift.id, service.snapshot(shift))
    response.headers["Location"] = f"/v1/postings/{posting_id}/shifts/{shift.id}"
    return ShiftRead.model_validate(shift)


@router.get(
    "",
    response_model=list[ShiftRead],
    summary="The shifts of a gig, soonest first",
    responses=problem_responses(PostingNotFound),
)
async def list_shifts(posting_id: uuid.UUID, ctx: CtxDep, principal: PrincipalDep) -> list[ShiftRead]:
    posting = await postings.get_visible(ctx, principal, posting_id)
    return [ShiftRead.model_validate(s) for s in posting.shifts]
