import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from services.kit.etag import IdempotencyHeader
from services.kit.problems import Forbidden
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.matching.dispatch import board, booking, present, service
from services.matching.dispatch.deps import BookerDep, SeekerOnly, SettingsDep, StationStaff
from services.matching.dispatch.exceptions import (
    AlreadyCheckedIn,
    IneligiblePair,
    NobodyCheckedIn,
    NoFreePlace,
    NotInPlan,
    PlanConfirmed,
    PlanNotFound,
    ShiftNotOnBoard,
    StationRequired,
    WrongCheckinCode,
)
from services.matching.dispatch.schemas import (
    BoardRead,
    CheckinCode,
    CheckinCreate,
    PlanRead,
    RollRead,
    SelfCheckin,
    SwapCreate,
)
from services.matching.referrals.deps import TokenDep
from services.matching.seekers.deps import CtxDep
from services.matching.seekers.exceptions import ConsentRequired, SeekerNotFound
from services.matching.seekers.schemas import SEEKER_ID_PATTERN
from services.matching.serving.deps import EngineDep
from services.matching.serving.exceptions import MatchingNotReady

router = APIRouter(prefix="/v1/dispatch", tags=["dispatch"], route_class=UnitOfWorkRoute)
StationPath = Annotated[
    str, Path(pattern=SEEKER_ID_PATTERN, description="The station's id (from its QR code)")
]


async def _roll(ctx: CtxDep, station_id: str) -> RollRead:
    day, _, _ = board.china_day(ctx.clock.now())
    return present.roll_read(station_id, day, await service.roll(ctx, station_id, day))


@router.post(
    "/checkins",
    status_code=status.HTTP_201_CREATED,
    response_model=RollRead,
    summary="Tick a registered seeker in at this station today (staff); answers with the roll",
    responses=problems(Forbidden, StationRequired, SeekerNotFound, ConsentRequired, AlreadyCheckedIn),
)
async def staff_check_in(body: CheckinCreate, ctx: CtxDep, principal: StationStaff) -> RollRead:
    station = service.station_of(principal)
    await service.check_in(ctx, principal, station, body.seeker_id, "staff")
    return await _roll(ctx, station)


@router.post(
    "/stations/{station_id}/checkins",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Check oneself in at a station today, after scanning its QR code (the seeker)",
    responses=problems(Forbidden, WrongCheckinCode, SeekerNotFound, ConsentRequired, AlreadyCheckedIn),
)
async def self_check_in(
    station_id: StationPath, body: SelfCheckin, ctx: CtxDep, principal: SeekerOnly, settings: SettingsDep
) -> Response:
    service.check_code(settings, station_id, body.code, ctx.clock.now())
    await service.check_in(ctx, principal, station_id, principal.sub, "self")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/checkin-code",
    response_model=CheckinCode,
    summary="This station's check-in code today and the address its QR code opens (staff)",
    responses=problems(Forbidden, StationRequired),
)
async def get_checkin_code(ctx: CtxDep, principal: StationStaff, settings: SettingsDep) -> CheckinCode:
    return service.todays_code(settings, service.station_of(principal), ctx.clock.now())


@router.get(
    "/checkins",
    response_model=RollRead,
    summary="Today's roll at this station, in check-in order, phones masked (staff)",
    responses=problems(Forbidden, StationRequired),
)
async def list_checkins(ctx: CtxDep, principal: StationStaff) -> RollRead:
    return await _roll(ctx, service.station_of(principal))


@router.get(
    "/board",
    response_model=BoardRead,
    summary="Today's gig shifts with free places near this station, and how many of those here may take each",
    responses=problems(Forbidden, StationRequired, MatchingNotReady),
)
async def get_board(ctx: CtxDep, principal: StationStaff, engine: EngineDep) -> BoardRead:
    morning, present_count = await service.today_board(ctx, principal, engine)
    return present.board_read(service.station_of(principal), present_count, morning)


@router.post(
    "/plans",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanRead,
    summary="分配: assign today's roll to today's board, maximising score plus fairness",
    responses=problems(Forbidden, StationRequired, NobodyCheckedIn, MatchingNotReady),
)
async def create_plan(
    ctx: CtxDep,
    principal: StationStaff,
    engine: EngineDep,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> PlanRead:
    plan = await service.propose(ctx, principal, engine)
    response.headers["Location"] = f"/v1/dispatch/plans/{plan.id}"
    return await present.plan_read(ctx, plan, await service.pairs_of(ctx, plan))


@router.get(
    "/plans/{plan_id}",
    response_model=PlanRead,
    summary="A plan of this station: each worker's shift (or no job), swaps, booking results",
    responses=problems(Forbidden, StationRequired, PlanNotFound),
)
async def get_plan(plan_id: uuid.UUID, ctx: CtxDep, principal: StationStaff) -> PlanRead:
    plan = await service.get_plan(ctx, principal, plan_id)
    return await present.plan_read(ctx, plan, await service.pairs_of(ctx, plan))


@router.post(
    "/plans/{plan_id}/swaps",
    response_model=PlanRead,
    summary="Move a worker to another shift or to no job, alone or in exchange, with a recorded reason",
    responses=problems(
        Forbidden,
        StationRequired,
        PlanNotFound,
        PlanConfirmed,
        NotInPlan,
        ShiftNotOnBoard,
        IneligiblePair,
        NoFreePlace,
        MatchingNotReady,
    ),
)
async def swap(
    plan_id: uuid.UUID,
    body: SwapCreate,
    ctx: CtxDep,
    principal: StationStaff,
    engine: EngineDep,
    idempotency_key: IdempotencyHeader = None,
) -> PlanRead:
    plan = await service.get_plan(ctx, principal, plan_id, for_update=True)
    await service.swap(ctx, principal, engine, plan, body)
    return await present.plan_read(ctx, plan, await service.pairs_of(ctx, plan))


@router.post(
    "/plans/{plan_id}/confirm",
    response_model=PlanRead,
    summary="确认: book every assigned worker through the postings service; each worker's result",
    responses=problems(Forbidden, StationRequired, PlanNotFound),
)
async def confirm(
    plan_id: uuid.UUID,
    ctx: CtxDep,
    principal: StationStaff,
    booker: BookerDep,
    token: TokenDep,
    idempotency_key: IdempotencyHeader = None,
) -> PlanRead:
    plan = await service.get_plan(ctx, principal, plan_id, for_update=True)
    pairs = await service.pairs_of(ctx, plan)
    await booking.confirm(ctx, principal, plan, pairs, token, booker)
    return await present.plan_read(ctx, plan, pairs)
