import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from services.kit.auth import Principal, PrincipalDep, Role, require_roles
from services.kit.etag import IdempotencyHeader, IfMatchHeader, check_if_match, make_etag
from services.kit.pagination import Page, PageDep
from services.kit.problems import Forbidden, PreconditionFailed, PreconditionRequired, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.kit.standby import eventual
from services.postings.deps import CtxDep
from services.postings.employers.exceptions import EmployerNotFound, NotYourEmployer
from services.postings.postings import screening_gate, service
from services.postings.postings.exceptions import (
    CountyFixed,
    GigNeedsShift,
    InvalidTransition,
    PostingClosed,
    PostingNotFound,
    PostingRefused,
    ValidUntilPassed,
)
from services.postings.postings.models import Posting
from services.postings.postings.schemas import (
    Flag,
    PostingCreate,
    PostingKind,
    PostingRead,
    PostingStatus,
    PostingUpdate,
)
from services.postings.screening.schemas import VerdictRead
from services.postings.shifts.exceptions import ShiftInPast, ShiftTooFarAhead, TooManyShifts

router = APIRouter(prefix="/v1/postings", tags=["postings"], route_class=UnitOfWorkRoute)

Writer = Annotated[Principal, Depends(require_roles(Role.EMPLOYER, Role.STAFF, Role.ADMIN, Role.SERVICE))]
CHANGE_PROBLEMS = (PostingNotFound, PreconditionFailed, PreconditionRequired, Forbidden)


def with_etag(response: Response, posting: Posting) -> PostingRead:
    response.headers["ETag"] = make_etag(posting.id, posting.version)
    return service.to_read(posting)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PostingRead,
    summary="Post a job or a gig (as draft)",
    responses=problem_responses(
        EmployerNotFound,
        NotYourEmployer,
        PostingRefused,
        GigNeedsShift,
        ShiftInPast,
        ShiftTooFarAhead,
        TooManyShifts,
        ValidUntilPassed,
        Forbidden,
    ),
)
async def create_posting(
    body: PostingCreate,
    ctx: CtxDep,
    principal: Writer,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> PostingRead:
    posting = await service.create(ctx, principal, body)
    response.headers["Location"] = f"/v1/postings/{posting.id}"
    return with_etag(response, posting)


@router.post(
    ":check",
    response_model=VerdictRead,
    summary="Check a draft posting against the rules; nothing is stored",
    description=(
        "Runs the posting checker (discriminatory wording, requirements that need a job-related reason, "
        "pay under the county's minimum wage) on a draft and returns its verdict. A refused draft is "
        "still answered with 200: the verdict says `refused` and `issues` lists what to change."
    ),
    responses=problem_responses(Forbidden),
)
async def check_posting(body: PostingCreate, ctx: CtxDep, principal: PrincipalDep) -> VerdictRead:
    fields = body.model_dump(mode="python", exclude={"shifts"})
    verdict = screening_gate.check(fields, ctx.settings.minimum_wage_file)
    return VerdictRead.model_validate(screening_gate.verdict_body(verdict))


@router.get(
    "",
    response_model=Page[PostingRead],
    summary="List postings (open ones, and your own drafts)",
    # Seekers' and services' lists may lag behind by the replica's bound; employers see their own drafts
    # and staff their own moderation at once, so they read the primary.
    openapi_extra=eventual(primary_roles=["employer", "staff", "admin"]),
)
async def list_postings(
    ctx: CtxDep,
    principal: PrincipalDep,
    page: PageDep,
    kind: PostingKind | None = None,
    status_: Annotated[PostingStatus | None, Query(alias="status")] = None,
    county: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    occupation: Annotated[str | None, Query(pattern=r"^\d-\d{2}-\d{2}-\d{2}$")] = None,
    employer_id: uuid.UUID | None = None,
    flag: Flag | None = None,
    updated_since: datetime | None = None,
) -> Page[PostingRead]:
    filters = service.PostingFilters(
        kind=kind.value if kind else None,
        status=status_.value if status_ else None,
        county_adcode=county,
        occupation_code=occupation,
        employer_id=employer_id,
        flag=flag.value if flag else None,
        updated_since=updated_since,
    )
    rows, cursor = await service.list_(ctx, principal, filters, page)
    return Page(items=[service.to_read(r) for r in rows], next_cursor=cursor)


@router.get(
    "/{posting_id}",
    response_model=PostingRead,
    summary="One posting",
    responses=problem_responses(PostingNotFound),
)
async def get_posting(
    posting_id: uuid.UUID, ctx: CtxDep, principal: PrincipalDep, response: Response
) -> PostingRead:
    return with_etag(response, await service.get_visible(ctx, principal, posting_id))


@router.patch(
    "/{posting_id}",
    response_model=PostingRead,
    summary="Edit a posting (If-Match)",
    responses=problem_responses(
        *CHANGE_PROBLEMS, PostingRefused, PostingClosed, CountyFixed, ValidUntilPassed
    ),
)
async def update_posting(
    posting_id: uuid.UUID,
    body: PostingUpdate,
    ctx: CtxDep,
    principal: Writer,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PostingRead:
    posting = await service.get_for_change(ctx, principal, posting_id)
    check_if_match(if_match, make_etag(posting.id, posting.version))
    return with_etag(response, await service.update(ctx, posting, body))


def _transition_route(action: str, summary: str) -> None:
    async def endpoint(
        posting_id: uuid.UUID,
        ctx: CtxDep,
        principal: Writer,
        response: Response,
        if_match: IfMatchHeader = None,
        idempotency_key: IdempotencyHeader = None,
    ) -> PostingRead:
        posting = await service.get_for_change(ctx, principal, posting_id)
        check_if_match(if_match, make_etag(posting.id, posting.version))
        return with_etag(response, await service.transition(ctx, posting, action))

    endpoint.__name__ = f"{action}_posting"
    router.add_api_route(
        f"/{{posting_id}}/{action}",
        endpoint,
        methods=["POST"],
        response_model=PostingRead,
        summary=summary,
        responses=problem_responses(*CHANGE_PROBLEMS, InvalidTransition, GigNeedsShift, ValidUntilPassed),
    )


_transition_route("publish", "Open a draft or paused posting (If-Match)")
_transition_route("pause", "Pause an open posting (If-Match)")
_transition_route("close", "Close a posting for good (If-Match)")
