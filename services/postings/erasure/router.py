"""The matching service passes on a seeker's erasure (PIPL art. 47): service token only."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from services.kit.auth import Principal, Role, require_roles
from services.kit.etag import IdempotencyHeader
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings.deps import CtxDep
from services.postings.erasure import service
from services.postings.erasure.exceptions import PseudonymMismatch
from services.postings.erasure.schemas import ErasureRead, ErasureRequest

router = APIRouter(prefix="/v1/seekers", tags=["privacy"], route_class=UnitOfWorkRoute)

Service = Annotated[Principal, Depends(require_roles(Role.SERVICE))]
SeekerIdPath = Annotated[str, Path(pattern=r"^[\x21-\x7e]{1,200}$", description="The seeker's id")]


@router.post(
    "/{seeker_id}/erasure",
    response_model=ErasureRead,
    summary="Erase a seeker's records here, by the rule of docs/privacy.md §7 (the matching service only). "
    "Idempotent: a repeat applies the rule again and answers with where the erasure stands",
    responses=problem_responses(Forbidden, PseudonymMismatch),
)
async def erase_seeker(
    seeker_id: SeekerIdPath,
    body: ErasureRequest,
    ctx: CtxDep,
    principal: Service,
    _key: IdempotencyHeader = None,
) -> ErasureRead:
    row = await service.erase(ctx, principal, seeker_id, body.pseudonym)
    return ErasureRead.model_validate(row)
