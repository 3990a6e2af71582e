import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from services.kit.auth import Role
from services.kit.db import reads_alone
from services.kit.etag import IdempotencyHeader
from services.kit.pagination import BadCursor, Page, PageDep, PageTooLarge
from services.kit.problems import Forbidden
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.matching.demo import DemoProgress
from services.matching.impressions import service as impressions
from services.matching.ranking import fair
from services.matching.seekers import scope as seekers_scope
from services.matching.seekers import service as seekers
from services.matching.seekers.deps import CtxDep
from services.matching.seekers.exceptions import ConsentRequired, SeekerNotFound
from services.matching.seekers.schemas import SEEKER_ID_PATTERN
from services.matching.serving import overrides, present, reads, views
from services.matching.serving.deps import (
    CandidateReader,
    EngineDep,
    FairnessDep,
    Operator,
    SeekerSide,
    StaffOnly,
    seeker_read,
)
from services.matching.serving.exceptions import (
    MatchingNotReady,
    OverrideChanged,
    OverrideNotFound,
    PostingNotFound,
)
from services.matching.serving.schemas import (
    CandidatesRead,
    DemoStatusRead,
    EngineStatusRead,
    ExplanationRead,
    Kind,
    MatchesRead,
    OverrideCreate,
    OverrideRead,
    ReasonRead,
    SharedIndexRead,
)
from services.matching.serving.shared import SharedIndex

router = APIRouter(prefix="/v1", tags=["matching"], route_class=UnitOfWorkRoute)

TOP_K_MAX = 50  # a seeker's matches
CANDIDATES_MAX = 100  # an employer's candidates
SeekerIdPath = Annotated[str, Path(pattern=SEEKER_ID_PATTERN, description="The seeker's id")]
PostingIdPath = Annotated[uuid.UUID, Path(description="The posting's id")]


def _staff(role: Role) -> bool:
    return role in (Role.STAFF, Role.ADMIN)


@router.get(
    "/seekers/{seeker_id}/matches",
    response_model=MatchesRead,
    summary="A seeker's matches, best first, with contributions and reasons (the seeker; staff, audited)",
    responses=problems(Forbidden, SeekerNotFound, MatchingNotReady),
)
async def seeker_matches(
    seeker_id: SeekerIdPath,
    request: Request,
    principal: SeekerSide,
    engine: EngineDep,
    kind: Annotated[Kind | None, Query(description="Only jobs or only gigs")] = None,
    top_k: Annotated[int, Query(ge=1, le=TOP_K_MAX, description="How many")] = 20,
) -> MatchesRead:
    return await views.seeker_matches(request, principal, engine, seeker_id, kind, top_k)


@router.get(
    "/matches/explain",
    response_model=ExplanationRead,
    summary="Why a posting is or is not among a seeker's matches: its contributions, or every rule it fails",
    responses=problems(Forbidden, SeekerNotFound, PostingNotFound, MatchingNotReady),
)
async def explain_match(
    request: Request,
    principal: SeekerSide,
    engine: EngineDep,
    seeker_id: Annotated[str, Query(pattern=SEEKER_ID_PATTERN, description="The seeker's id")],
    posting_id: Annotated[uuid.UUID, Query(description="The posting's id")],
) -> ExplanationRead:
    seekers.check_access(principal, seeker_id)
    engine.check()
    async with seeker_read(request, principal, seeker_id, "read_explanation") as ctx:
        await seekers.check_reach(ctx, principal, seeker_id)
        stored = await reads.posting(ctx.session, posting_id)
        if stored is None:
            raise PostingNotFound()
        now = ctx.clock.now()
        query = await seekers.query_for_ranking(ctx.session, seeker_id, now)
        live = {str(o.posting_id): o for o in await overrides.live(ctx.session, seeker_id)}
    explanation = engine.explain(query, str(posting_id), now)
    staff = _staff(principal.role)
    row = live.get(str(posting_id))
    match = explanation.match
    return ExplanationRead(
        seeker_id=seeker_id,
        posting_id=posting_id,
        eligible=explanation.eligible,
        failed=[ReasonRead(zh=r.zh, en=r.en) for r in explanation.failed],
        match=present.match_read(match, stored, {}, staff) if match else None,
        override=present.override_note(row, staff) if row is not None else None,
    )


@router.get(
    "/postings/{posting_id}/candidates",
    response_model=CandidatesRead,
    summary="A posting's suggested candidates, masked: the employer who owns it; staff and admin",
    responses=problems(Forbidden, PostingNotFound, MatchingNotReady),
)
async def posting_candidates(
    posting_id: PostingIdPath,
    request: Request,
    ctx: CtxDep,
    principal: CandidateReader,
    engine: EngineDep,
    fairness: FairnessDep,
    top_k: Annotated[int, Query(ge=1, le=CANDIDATES_MAX, description="How many")] = 50,
) -> CandidatesRead:
    engine.check()
    await reads_alone(ctx.session)
    stored = await reads.posting(ctx.session, posting_id)
    if stored is None or (principal.role == Role.EMPLOYER and stored.owner_sub != principal.sub):
        raise PostingNotFound()
    now = ctx.clock.now()
    await engine.sync_seekers(ctx.session, now)
    await fair.table_ready(top_k, fairness.p, fairness.alpha, fairness.adjust)
    found = engine.candidates(stored.snapshot, top_k, fairness, now)
    if principal.role == Role.STAFF:  # staff see the candidates they reach (station, county, lookups)
        reached = await seekers_scope.reachable(ctx, principal, [c.seeker_id for c in found], now)
        found = [c for c in found if c.seeker_id in reached]
    employer = stored.snapshot.get("employer_id")
    shown = impressions.candidate_rows(
        found,
        posting_id=posting_id,
        employer_id=str(employer) if employer is not None else None,
        viewer_role=principal.role.value,
        viewer_id=principal.sub,
        ranker=engine.ranker_name,
        now=now,
    )
    impressions.record(request.app, shown)
    items = present.candidates_read(found, str(posting_id), ctx.cipher, _staff(principal.role))
    return CandidatesRead(posting_id=posting_id, items=items)


@router.post(
    "/seekers/{seeker_id}/overrides",
    status_code=status.HTTP_201_CREATED,
    response_model=OverrideRead,
    summary="Pin a posting to the top of a seeker's matches, or hide it, with a reason (staff; audited)",
    responses=problems(Forbidden, ConsentRequired, SeekerNotFound, PostingNotFound, OverrideChanged),
)
async def create_override(
    seeker_id: SeekerIdPath,
    body: OverrideCreate,
    ctx: CtxDep,
    principal: StaffOnly,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> OverrideRead:
    row = await views.create_override(ctx, principal, seeker_id, body)
    response.headers["Location"] = f"/v1/seekers/{seeker_id}/overrides"
    return overrides.to_read(row)


@router.get(
    "/seekers/{seeker_id}/overrides",
    response_model=Page[OverrideRead],
    summary="Staff overrides of a seeker's matches, live and ended, newest first",
    responses=problems(Forbidden, SeekerNotFound, BadCursor, PageTooLarge),
)
async def list_overrides(
    seeker_id: SeekerIdPath, ctx: CtxDep, principal: SeekerSide, page: PageDep
) -> Page[OverrideRead]:
    await seekers.get_for(ctx, principal, seeker_id)
    rows, cursor = await overrides.page(ctx.session, seeker_id, page)
    return Page(items=[overrides.to_read(r) for r in rows], next_cursor=cursor)


@router.delete(
    "/seekers/{seeker_id}/overrides/{override_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Revoke an override: the seeker's list is ranked as if it had not been made (staff; audited)",
    responses=problems(Forbidden, SeekerNotFound, OverrideNotFound),
)
async def revoke_override(
    seeker_id: SeekerIdPath, override_id: uuid.UUID, ctx: CtxDep, principal: StaffOnly
) -> Response:
    await views.revoke_override(ctx, principal, seeker_id, override_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/matching/status",
    response_model=EngineStatusRead,
    summary="The in-memory engine: loading, warming or ready; postings and seekers held",
    responses=problems(Forbidden),
)
async def engine_status(request: Request, _: Operator, engine: EngineDep) -> EngineStatusRead:
    status = EngineStatusRead.model_validate(engine.status())
    demo: DemoProgress | None = getattr(request.app.state, "demo_progress", None)
    status.ready = status.state == "ready" and (demo is None or demo.ready)
    shared = getattr(request.app.state, "shared_index", None)
    if isinstance(shared, SharedIndex):
        status.shared_index = SharedIndexRead.model_validate(shared.status())
    if demo is not None:
        status.demo = DemoStatusRead(postings=demo.postings, seekers=demo.seekers)
    return status
