"""Routes for what is private about a seeker: contact, sensitive data, consents, the audit log."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response, status

from services.kit.etag import IdempotencyHeader, IfMatchHeader
from services.kit.pagination import BadCursor, Page, PageDep, PageTooLarge
from services.kit.problems import Forbidden, PreconditionFailed, PreconditionRequired
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.matching.seekers import audit, consents, sensitive, service
from services.matching.seekers.deps import Anyone, CtxDep, SeekerOrAdmin, audited_read
from services.matching.seekers.exceptions import (
    CertificationNeedsStaff,
    ConsentChanged,
    ConsentNotFound,
    ConsentRequired,
    IdNumberMismatch,
    IdNumberTaken,
    InvalidConsent,
    InvalidIdNumber,
    SeekerNotFound,
    SensitiveNotFound,
)
from services.matching.seekers.schemas import (
    SEEKER_ID_PATTERN,
    AuditRead,
    ConsentIn,
    ConsentPurpose,
    ConsentRead,
    ContactRead,
)
from services.matching.seekers.sensitive_schemas import SensitiveIn, SensitiveRead

router = APIRouter(route_class=UnitOfWorkRoute)

SeekerIdPath = Annotated[str, Path(pattern=SEEKER_ID_PATTERN, description="The seeker's id")]
SENSITIVE = "/{seeker_id}/sensitive"
CREATED: dict[int | str, dict[str, Any]] = {201: {"model": SensitiveRead, "description": "Created"}}


@router.get(
    "/{seeker_id}/contact",
    response_model=ContactRead,
    summary="The full phone number: the seeker's own; staff under the matching consent, audited",
    responses=problems(Forbidden, SeekerNotFound, ConsentRequired),
)
async def reveal_contact(seeker_id: SeekerIdPath, request: Request, principal: Anyone) -> ContactRead:
    service.check_access(principal, seeker_id)
    async with audited_read(request) as ctx:
        seeker = await service.get_for(ctx, principal, seeker_id)
        phone = await service.reveal_phone(ctx, principal, seeker, ConsentPurpose.MATCHING)
    return ContactRead(seeker_id=seeker_id, phone=phone)


@router.put(
    SENSITIVE,
    response_model=SensitiveRead,
    summary="Create or replace sensitive data (If-Match to replace); needs the sensitive consent",
    responses=CREATED
    | problems(
        Forbidden,
        SeekerNotFound,
        ConsentRequired,
        CertificationNeedsStaff,
        InvalidIdNumber,
        IdNumberMismatch,
        IdNumberTaken,
        PreconditionFailed,
        PreconditionRequired,
    ),
)
async def put_sensitive(
    seeker_id: SeekerIdPath,
    body: SensitiveIn,
    ctx: CtxDep,
    principal: Anyone,
    response: Response,
    if_match: IfMatchHeader = None,
) -> SensitiveRead:
    seeker = await service.get_for(ctx, principal, seeker_id, for_update=True)
    record, created = await sensitive.put(ctx, principal, seeker, body, if_match)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    response.headers["ETag"] = sensitive.etag(record)
    return sensitive.to_read(record)


@router.get(
    SENSITIVE,
    response_model=SensitiveRead,
    summary="Sensitive data, ID number masked: the seeker's own; staff under consent, every read audited",
    responses=problems(Forbidden, SeekerNotFound, ConsentRequired, SensitiveNotFound),
)
async def get_sensitive(
    seeker_id: SeekerIdPath, request: Request, principal: Anyone, response: Response
) -> SensitiveRead:
    service.check_access(principal, seeker_id)
    async with audited_read(request) as ctx:
        seeker = await service.get_for(ctx, principal, seeker_id)
        record = await sensitive.read(ctx, principal, seeker)
    response.headers["ETag"] = sensitive.etag(record)
    return sensitive.to_read(record)


@router.delete(
    SENSITIVE,
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete sensitive data (the seeker, or an administrator at their request)",
    responses=problems(Forbidden, SeekerNotFound, SensitiveNotFound),
)
async def delete_sensitive(seeker_id: SeekerIdPath, ctx: CtxDep, principal: SeekerOrAdmin) -> Response:
    seeker = await service.get_for(ctx, principal, seeker_id, for_update=True)
    await sensitive.delete(ctx, principal, seeker)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{seeker_id}/consents",
    response_model=list[ConsentRead],
    summary="Every consent given and withdrawn, oldest first",
    responses=problems(Forbidden, SeekerNotFound),
)
async def list_consents(seeker_id: SeekerIdPath, ctx: CtxDep, principal: Anyone) -> list[ConsentRead]:
    await service.check_reach(ctx, principal, seeker_id)
    return [ConsentRead.model_validate(c) for c in await consents.history(ctx.session, seeker_id)]


@router.post(
    "/{seeker_id}/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=list[ConsentRead],
    summary="Record consent to purposes (the seeker in the app; staff as they recorded it in person)",
    responses=problems(Forbidden, SeekerNotFound, InvalidConsent, ConsentChanged),
)
async def grant_consent(
    seeker_id: SeekerIdPath,
    body: ConsentIn,
    ctx: CtxDep,
    principal: Anyone,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> list[ConsentRead]:
    seeker = await service.get_for(ctx, principal, seeker_id, for_update=True)
    await consents.grant(ctx, principal, seeker.id, body)
    response.headers["Location"] = f"/v1/seekers/{seeker.id}/consents"
    return [ConsentRead.model_validate(c) for c in await consents.history(ctx.session, seeker.id)]


@router.delete(
    "/{seeker_id}/consents/{purpose}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Withdraw a consent: from this moment its data is not used, and staff cannot read it",
    responses=problems(Forbidden, SeekerNotFound, ConsentNotFound),
)
async def withdraw_consent(
    seeker_id: SeekerIdPath, purpose: ConsentPurpose, ctx: CtxDep, principal: Anyone
) -> Response:
    await service.check_reach(ctx, principal, seeker_id)
    await consents.withdraw(ctx, principal, seeker_id, purpose)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{seeker_id}/audit",
    response_model=Page[AuditRead],
    summary="Who accessed the seeker's sensitive data or contact, newest first (the seeker; admin)",
    responses=problems(Forbidden, SeekerNotFound, BadCursor, PageTooLarge),
)
async def list_audit(
    seeker_id: SeekerIdPath, ctx: CtxDep, principal: SeekerOrAdmin, page: PageDep
) -> Page[AuditRead]:
    service.check_access(principal, seeker_id)
    rows, cursor = await audit.page(ctx.session, seeker_id, page)
    return Page(items=[AuditRead.model_validate(r) for r in rows], next_cursor=cursor)
