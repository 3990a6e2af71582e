import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings.access.exceptions import MatchingUnreachable
from services.postings.deps import CtxDep
from services.postings.employers import service as employers
from services.postings.employers.exceptions import EmployerNotFound
from services.postings.reliability import readers, service
from services.postings.reliability.exceptions import WorkerNotFound
from services.postings.reliability.schemas import EmployerReliability, WorkerReliability

router = APIRouter(tags=["reliability"], route_class=UnitOfWorkRoute)

WorkerReaders = Annotated[
    Principal, Depends(require_roles(Role.SEEKER, Role.EMPLOYER, Role.STAFF, Role.ADMIN, Role.SERVICE))
]


@router.get(
    "/v1/employers/{employer_id}/reliability",
    response_model=EmployerReliability,
    summary="An employer's record: wages paid on time, disputes, late cancellations, with reasons",
    responses=problem_responses(EmployerNotFound),
)
async def employer_reliability(
    employer_id: uuid.UUID, ctx: CtxDep, principal: PrincipalDep
) -> EmployerReliability:
    await employers.get(ctx, employer_id)
    return await service.employer_reliability(ctx, employer_id)


@router.get(
    "/v1/workers/{sub}/reliability",
    response_model=WorkerReliability,
    summary="A worker's record: shifts worked, no-shows, late cancellations, appeals (themself, staff who "
    "reach them, an employer they applied to or worked for)",
    responses=problem_responses(WorkerNotFound, MatchingUnreachable, Forbidden),
)
async def worker_reliability(
    sub: Annotated[str, Path(max_length=200)], ctx: CtxDep, principal: WorkerReaders
) -> WorkerReliability:
    await readers.check(ctx, principal, sub)
    return await service.worker_reliability(ctx, sub)
