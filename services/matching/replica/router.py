from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.kit.auth import Principal, Role, require_roles
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.kit.uow import SessionDep
from services.matching.replica.schemas import ReplicaStatus
from services.matching.replica.status import build_status

router = APIRouter(prefix="/v1/replica", tags=["replica"], route_class=UnitOfWorkRoute)

Operator = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN, Role.SERVICE))]


@router.get(
    "/status",
    response_model=ReplicaStatus,
    summary="How far the posting replica has followed the postings feed: cursor, lag, dead letters",
    responses=problem_responses(Forbidden),
)
async def replica_status(request: Request, session: SessionDep, _: Operator) -> ReplicaStatus:
    state = request.app.state
    return await build_status(
        session, state.replica_settings.source, state.replica_consumer, state.clock.now()
    )
