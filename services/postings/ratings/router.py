import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.etag import IdempotencyHeader
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings.access.exceptions import NotYourAction
from services.postings.deps import CtxDep
from services.postings.engagements import service as engagements
from services.postings.engagements.exceptions import EngagementNotFound
from services.postings.ratings import service
from services.postings.ratings.exceptions import AlreadyRated, NotRateable
from services.postings.ratings.schemas import RatingCreate, RatingRead

router = APIRouter(
    prefix="/v1/engagements/{engagement_id}/ratings", tags=["ratings"], route_class=UnitOfWorkRoute
)

Party = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.EMPLOYER))]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RatingRead,
    summary="Rate the other party (1-5, optional comment), once, after the shift is completed",
    responses=problem_responses(EngagementNotFound, NotRateable, AlreadyRated, NotYourAction, Forbidden),
)
async def rate(
    engagement_id: uuid.UUID,
    body: RatingCreate,
    ctx: CtxDep,
    principal: Party,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> RatingRead:
    engagement = await engagements.get(ctx, principal, engagement_id, for_update=True)
    rating = await service.rate(ctx, principal, engagement, body)
    response.headers["Location"] = f"/v1/engagements/{engagement_id}/ratings"
    return RatingRead.model_validate(rating)


@router.get(
    "",
    response_model=list[RatingRead],
    summary="The ratings of an engagement",
    responses=problem_responses(EngagementNotFound),
)
async def list_ratings(engagement_id: uuid.UUID, ctx: CtxDep, principal: PrincipalDep) -> list[RatingRead]:
    engagement = await engagements.get(ctx, principal, engagement_id)
    return [RatingRead.model_validate(r) for r in await service.for_engagement(ctx, engagement)]
