import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.etag import IdempotencyHeader, make_etag
from services.kit.pagination import Page, PageDep
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings.access.exceptions import WrongState
from services.postings.deps import CtxDep
from services.postings.disputes import service
from services.postings.disputes.exceptions import DisputeNotFound
from services.postings.disputes.models import Dispute
from services.postings.disputes.schemas import DisputeRead, DisputeResolve

router = APIRouter(prefix="/v1/disputes", tags=["disputes"], route_class=UnitOfWorkRoute)

Staff = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN))]


def _read(response: Response, dispute: Dispute) -> DisputeRead:
    response.headers["ETag"] = make_etag(dispute.id, dispute.version)
    return DisputeRead.model_validate(dispute)


@router.get(
    "",
    response_model=Page[DisputeRead],
    summary="Unpaid-wage disputes: staff see their county's; employers those against them; workers theirs",
)
async def list_disputes(
    ctx: CtxDep,
    principal: PrincipalDep,
    page: PageDep,
    status_: Annotated[Literal["open", "resolved"] | None, Query(alias="status")] = None,
) -> Page[DisputeRead]:
    rows, cursor = await service.list_(ctx, principal, status_, page)
    return Page(items=[DisputeRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.get(
    "/{dispute_id}",
    response_model=DisputeRead,
    summary="One dispute",
    responses=problem_responses(DisputeNotFound),
)
async def get_dispute(
    dispute_id: uuid.UUID, ctx: CtxDep, principal: PrincipalDep, response: Response
) -> DisputeRead:
    return _read(response, await service.get(ctx, principal, dispute_id))


@router.post(
    "/{dispute_id}/resolve",
    response_model=DisputeRead,
    summary="Resolve a dispute (staff of the county): paid, unfounded or referred to labour inspection",
    responses=problem_responses(DisputeNotFound, WrongState, Forbidden),
)
async def resolve(
    dispute_id: uuid.UUID,
    body: DisputeResolve,
    ctx: CtxDep,
    principal: Staff,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> DisputeRead:
    return _read(response, await service.resolve(ctx, principal, dispute_id, body))
