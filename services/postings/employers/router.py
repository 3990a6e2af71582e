import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.etag import IdempotencyHeader, IfMatchHeader, check_if_match, make_etag
from services.kit.pagination import Page, PageDep
from services.kit.problems import Forbidden, PreconditionFailed, PreconditionRequired, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings.deps import CtxDep
from services.postings.employers import service
from services.postings.employers.exceptions import EmployerNotFound, InvalidUscc, NotYourEmployer, UsccTaken
from services.postings.employers.schemas import EmployerCreate, EmployerRead, EmployerUpdate, EmployerVerify

router = APIRouter(prefix="/v1/employers", tags=["employers"], route_class=UnitOfWorkRoute)

EmployerRole = Annotated[Principal, Depends(require_roles(Role.EMPLOYER, Role.STAFF, Role.ADMIN))]
StaffRole = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN))]


def _etag(response: Response, employer: object) -> EmployerRead:
    read = EmployerRead.model_validate(employer)
    response.headers["ETag"] = make_etag(read.id, read.version)
    return read


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=EmployerRead,
    summary="Register an organisation",
    responses=problem_responses(Forbidden, UsccTaken, InvalidUscc),
)
async def create_employer(
    body: EmployerCreate,
    ctx: CtxDep,
    principal: EmployerRole,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> EmployerRead:
    employer = await service.create(ctx, principal, body)
    response.headers["Location"] = f"/v1/employers/{employer.id}"
    return _etag(response, employer)


@router.get("", response_model=Page[EmployerRead], summary="Employers you act for (staff: all)")
async def list_employers(ctx: CtxDep, principal: PrincipalDep, page: PageDep) -> Page[EmployerRead]:
    rows, cursor = await service.list_(ctx, principal, page)
    return Page(items=[EmployerRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.get(
    "/{employer_id}",
    response_model=EmployerRead,
    summary="One employer",
    responses=problem_responses(EmployerNotFound),
)
async def get_employer(
    employer_id: uuid.UUID, ctx: CtxDep, principal: PrincipalDep, response: Response
) -> EmployerRead:
    return _etag(response, await service.get(ctx, employer_id))


@router.patch(
    "/{employer_id}",
    response_model=EmployerRead,
    summary="Edit your organisation (If-Match)",
    responses=problem_responses(
        EmployerNotFound, NotYourEmployer, UsccTaken, PreconditionFailed, PreconditionRequired
    ),
)
async def update_employer(
    employer_id: uuid.UUID,
    body: EmployerUpdate,
    ctx: CtxDep,
    principal: EmployerRole,
    response: Response,
    if_match: IfMatchHeader = None,
) -> EmployerRead:
    employer = await service.get_owned(ctx, principal, employer_id, for_update=True)
    check_if_match(if_match, make_etag(employer.id, employer.version))
    return _etag(response, await service.update(ctx, employer, body))


@router.post(
    "/{employer_id}/verify",
    response_model=EmployerRead,
    summary="Staff mark an employer verified (If-Match)",
    responses=problem_responses(
        EmployerNotFound, Forbidden, NotYourEmployer, PreconditionFailed, PreconditionRequired
    ),
)
async def verify_employer(
    employer_id: uuid.UUID,
    body: EmployerVerify,
    ctx: CtxDep,
    principal: StaffRole,
    response: Response,
    if_match: IfMatchHeader = None,
    idempotency_key: IdempotencyHeader = None,
) -> EmployerRead:
    employer = await service.get(ctx, employer_id, for_update=True)
    if not service.may_act_for(principal, employer, ctx.settings):
        raise NotYourEmployer()  # staff verify the employers of their own county
    check_if_match(if_match, make_etag(employer.id, employer.version))
    return _etag(response, await service.set_verified(ctx, employer, body.verified))
