from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from services.kit.etag import IdempotencyHeader, IfMatchHeader, check_if_match, make_etag
from services.kit.pagination import BadCursor, Page, PageDep, PageTooLarge
from services.kit.problems import Forbidden, InvalidInput, PreconditionFailed, PreconditionRequired
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.matching.seekers import privacy_router, scope, service
from services.matching.seekers.deps import (
    Anyone,
    Ctx,
    CtxDep,
    SeekerOrAdmin,
    SeekerSelf,
    ServiceOnly,
    Staff,
)
from services.matching.seekers.exceptions import (
    ConsentRequired,
    DesiredWorkRequired,
    InvalidConsent,
    SeekerExists,
    SeekerNotFound,
    StationMismatch,
    UnderMinimumAge,
)
from services.matching.seekers.models import Seeker
from services.matching.seekers.schemas import (
    SEEKER_ID_PATTERN,
    SeekerCreate,
    SeekerLookup,
    SeekerReach,
    SeekerRead,
    SeekerSummary,
    SeekerUpdate,
)

router = APIRouter(prefix="/v1/seekers", tags=["seekers"], route_class=UnitOfWorkRoute)

SeekerIdPath = Annotated[str, Path(pattern=SEEKER_ID_PATTERN, description="The seeker's id")]


async def _read(ctx: Ctx, response: Response, seeker: Seeker) -> SeekerRead:
    response.headers["ETag"] = make_etag(seeker.id, seeker.version)
    return await service.to_read(ctx, seeker, ctx.clock.now())


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SeekerRead,
    summary="Register a profile: a seeker for themself, or station staff for a seeker, with consent",
    responses=problems(
        Forbidden,
        StationMismatch,
        ConsentRequired,
        SeekerExists,
        UnderMinimumAge,
        InvalidConsent,
        InvalidInput,
    ),
)
async def create_seeker(
    body: SeekerCreate,
    ctx: CtxDep,
    principal: Anyone,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> SeekerRead:
    seeker = await service.create(ctx, principal, body)
    response.headers["Location"] = f"/v1/seekers/{seeker.id}"
    return await _read(ctx, response, seeker)


@router.get(
    "",
    response_model=Page[SeekerSummary],
    summary="Seekers, newest first (staff): minimised rows, filtered by county or station",
    responses=problems(Forbidden, BadCursor, PageTooLarge),
)
async def list_seekers(
    ctx: CtxDep,
    principal: Staff,
    page: PageDep,
    county: Annotated[str | None, Query(pattern=r"^\d{6}$", description="County adcode")] = None,
    station: Annotated[
        str | None, Query(pattern=SEEKER_ID_PATTERN, description="Station that registered them")
    ] = None,
) -> Page[SeekerSummary]:
    rows, cursor = await service.list_(ctx, principal, page, county=county, station=station)
    return Page(items=[SeekerSummary.model_validate(r) for r in rows], next_cursor=cursor)


@router.post(
    "/lookup",
    response_model=list[SeekerSummary],
    summary="Find a seeker by their exact phone or ID number (staff; audited; opens one from elsewhere to "
    "the station for a limited time), or by exact name among the seekers the staff member reaches",
    responses=problems(Forbidden, InvalidInput),
)
async def lookup_seekers(body: SeekerLookup, ctx: CtxDep, principal: Staff) -> list[SeekerSummary]:
    found = await scope.lookup(ctx, principal, phone=body.phone, id_number=body.id_number, name=body.name)
    return [SeekerSummary.model_validate(s) for s in found]


@router.get(
    ":reach",
    response_model=SeekerReach,
    summary="Whether a member of staff (their token's subject, station and county) reaches a seeker "
    "(the postings service, before staff act for a seeker)",
    responses=problems(Forbidden, InvalidInput),
)
async def get_reach(
    ctx: CtxDep,
    principal: ServiceOnly,
    seeker_id: Annotated[str, Query(min_length=1, max_length=200)],
    staff_sub: Annotated[str, Query(min_length=1, max_length=200)],
    station_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    county_adcode: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
) -> SeekerReach:
    reached = await scope.staff_reaches(ctx, seeker_id, staff_sub, station_id, county_adcode)
    return SeekerReach(seeker_id=seeker_id, reached=reached)


@router.get(
    "/me",
    response_model=SeekerRead,
    summary="Your own profile (seeker)",
    responses=problems(Forbidden, SeekerNotFound),
)
async def get_my_profile(ctx: CtxDep, principal: SeekerSelf, response: Response) -> SeekerRead:
    return await _read(ctx, response, await service.get(ctx, principal.sub))


@router.get(
    "/{seeker_id}",
    response_model=SeekerRead,
    summary="One profile: the seeker's own, or any to staff (the phone always masked)",
    responses=problems(Forbidden, SeekerNotFound),
)
async def get_seeker(
    seeker_id: SeekerIdPath, ctx: CtxDep, principal: Anyone, response: Response
) -> SeekerRead:
    return await _read(ctx, response, await service.get_for(ctx, principal, seeker_id))


@router.patch(
    "/{seeker_id}",
    response_model=SeekerRead,
    summary="Edit a profile (If-Match): the seeker, or staff while the matching consent is active",
    responses=problems(
        Forbidden,
        SeekerNotFound,
        ConsentRequired,
        UnderMinimumAge,
        DesiredWorkRequired,
        PreconditionFailed,
        PreconditionRequired,
    ),
)
async def update_seeker(
    seeker_id: SeekerIdPath,
    body: SeekerUpdate,
    ctx: CtxDep,
    principal: Anyone,
    response: Response,
    if_match: IfMatchHeader = None,
) -> SeekerRead:
    seeker = await service.get_for(ctx, principal, seeker_id, for_update=True)
    check_if_match(if_match, make_etag(seeker.id, seeker.version))
    return await _read(ctx, response, await service.update(ctx, principal, seeker, body))


@router.delete(
    "/{seeker_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Erase a seeker (their right to erasure): profile and sensitive data go, audit rows stay",
    responses=problems(Forbidden, SeekerNotFound),
)
async def erase_seeker(seeker_id: SeekerIdPath, ctx: CtxDep, principal: SeekerOrAdmin) -> Response:
    seeker = await service.get_for(ctx, principal, seeker_id, for_update=True)
    await service.erase(ctx, principal, seeker)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


router.include_router(privacy_router.router)
