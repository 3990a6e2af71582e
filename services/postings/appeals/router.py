import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Response, status

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.etag import IdempotencyHeader, make_etag
from services.kit.pagination import Page, PageDep
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings.access.exceptions import NotYourAction, WrongState
from services.postings.appeals import service
from services.postings.appeals.exceptions import AlreadyAppealed, AppealNotFound, NoMarkToAppeal
from services.postings.appeals.models import Appeal
from services.postings.appeals.schemas import AppealCreate, AppealDecision, AppealRead
from services.postings.deps import CtxDep
from services.postings.engagements import service as engagements
from services.postings.engagements.exceptions import EngagementNotFound

router = APIRouter(tags=["appeals"], route_class=UnitOfWorkRoute)

WorkerSide = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.STAFF, Role.ADMIN, Role.SERVICE))]
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN))]
Readers = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.STAFF, Role.ADMIN, Role.SERVICE))]


def _read(response: Response, appeal: Appeal) -> AppealRead:
    response.headers["ETag"] = make_etag(appeal.id, appeal.version)
    return AppealRead.model_validate(appeal)


@router.post(
    "/v1/engagements/{engagement_id}/appeal",
    status_code=status.HTTP_201_CREATED,
    response_model=AppealRead,
    summary="Appeal a reliability mark (no-show, late cancellation); the county's staff decide",
    responses=problem_responses(
        EngagementNotFound, NoMarkToAppeal, AlreadyAppealed, NotYourAction, Forbidden
    ),
)
async def appeal(
    engagement_id: uuid.UUID,
    body: AppealCreate,
    ctx: CtxDep,
    principal: WorkerSide,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> AppealRead:
    engagement = await engagements.get(ctx, principal, engagement_id, for_update=True)
    created = await service.create(ctx, principal, engagement, body.reason)
    response.headers["Location"] = f"/v1/appeals/{created.id}"
    return _read(response, created)


@router.get(
    "/v1/appeals",
    response_model=Page[AppealRead],
    summary="Appeals: a worker's own; staff their county's and station's",
    responses=problem_responses(Forbidden),
)
async def list_appeals(
    ctx: CtxDep,
    principal: Readers,
    page: PageDep,
    status_: Annotated[Literal["pending", "upheld", "rejected"] | None, Query(alias="status")] = None,
) -> Page[AppealRead]:
    rows, cursor = await service.list_(ctx, principal, status_, page)
    return Page(items=[AppealRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.get(
    "/v1/appeals/{appeal_id}",
    response_model=AppealRead,
    summary="One appeal",
    responses=problem_responses(AppealNotFound),
)
async def get_appeal(
    appeal_id: uuid.UUID, ctx: CtxDep, principal: PrincipalDep, response: Response
) -> AppealRead:
    return _read(response, await service.get(ctx, principal, appeal_id))


def _decision_route(outcome: str, action: str, summary: str) -> None:
    async def endpoint(
        appeal_id: uuid.UUID,
        ctx: CtxDep,
        principal: Staff,
        response: Response,
        body: Annotated[AppealDecision | None, Body()] = None,
        idempotency_key: IdempotencyHeader = None,
    ) -> AppealRead:
        decided = await service.decide(ctx, principal, appeal_id, outcome, body.note if body else None)
        return _read(response, decided)

    endpoint.__name__ = f"{action}_appeal"
    router.add_api_route(
        f"/v1/appeals/{{appeal_id}}/{action}",
        endpoint,
        methods=["POST"],
        response_model=AppealRead,
        summary=summary,
        responses=problem_responses(AppealNotFound, WrongState, Forbidden),
    )


_decision_route("upheld", "uphold", "Uphold an appeal: the mark is removed (staff)")
_decision_route("rejected", "reject", "Reject an appeal: the mark stays (staff)")
