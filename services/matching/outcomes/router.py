import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from services.kit.auth import Principal, Role, require_roles
from services.kit.etag import IdempotencyHeader
from services.kit.problems import Forbidden, InvalidInput
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.kit.uow import SessionDep
from services.matching.cases import scope
from services.matching.outcomes import service
from services.matching.outcomes.exceptions import PlacementEnded, PlacementNotFound, WorkEndBeforeStart
from services.matching.outcomes.hooks import outcome_hooks
from services.matching.outcomes.schemas import PlacementEnd, PlacementRead

router = APIRouter(tags=["outcomes"], route_class=UnitOfWorkRoute)
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN))]
SEEKER_ID = r"^[A-Za-z0-9_.:-]{1,64}$"


@router.get(
    "/v1/seekers/{seeker_id}/placements",
    response_model=list[PlacementRead],
    summary="A seeker's placements from the feed, newest first (staff of their county or station)",
    responses=problems(Forbidden),
)
async def list_placements(
    seeker_id: Annotated[str, Path(pattern=SEEKER_ID)], session: SessionDep, principal: Staff
) -> list[PlacementRead]:
    rows = await service.placements_of(session, seeker_id)
    return [
        PlacementRead.model_validate(p)
        for p in rows
        if scope.may_see(principal, p.county_adcode, p.station_id)
    ]


@router.post(
    "/v1/placements/{placement_id}/end",
    response_model=PlacementRead,
    summary="Record that a placement's work ended (staff): the feed does not say when a job ends",
    responses=problems(Forbidden, PlacementNotFound, PlacementEnded, WorkEndBeforeStart, InvalidInput),
)
async def end_placement(
    placement_id: uuid.UUID,
    body: PlacementEnd,
    request: Request,
    session: SessionDep,
    principal: Staff,
    idempotency_key: IdempotencyHeader = None,
) -> PlacementRead:
    now = request.app.state.clock.now()
    placement = await service.end(
        session, outcome_hooks(request.app), principal, placement_id, body.ended_at, body.reason, now
    )
    return PlacementRead.model_validate(placement)
