"""Check-ins, 分配 (an optimal plan for the morning) and staff swaps. Services flush, never commit."""

import base64
import hashlib
import hmac
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import quote

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.kit.auth import Principal
from services.matching.dispatch import board
from services.matching.dispatch.config import DispatchSettings
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
from services.matching.dispatch.models import DispatchCheckin, DispatchPair, DispatchPlan, DispatchSwap
from services.matching.dispatch.schemas import CheckinCode, SwapCreate
from services.matching.dispatch.solver import fairness, solve
from services.matching.seekers import consents, scope
from services.matching.seekers import service as seekers
from services.matching.seekers.deps import Ctx
from services.matching.seekers.models import Seeker
from services.matching.seekers.schemas import ConsentPurpose
from services.matching.serving.engine import MatchingEngine

CODE_LENGTH = 8
WORKED = ("booked",)  # outcomes that count as having got work
TAKEN = ("booked", "requested")  # outcomes that take a worker out of today's next 分配


def checkin_code(secret: str, station_id: str, day: date) -> str:
    """The station's check-in code for one China day: 8 characters anyone can type, changing daily."""
    mac = hmac.new(secret.encode(), f"checkin\x00{station_id}\x00{day.isoformat()}".encode(), hashlib.sha256)
    return base64.b32encode(mac.digest()).decode()[:CODE_LENGTH]


def todays_code(settings: DispatchSettings, station_id: str, now: datetime) -> CheckinCode:
    """The station's code today and the address its QR code opens."""
    day, _, _ = board.china_day(now)
    code = checkin_code(settings.checkin_secret.get_secret_value(), station_id, day)
    url = f"{settings.checkin_base_url.rstrip('/')}/{quote(station_id)}?code={code}"
    return CheckinCode(station_id=station_id, day=day, code=code, url=url)


def check_code(settings: DispatchSettings, station_id: str, code: str, now: datetime) -> None:
    expected = todays_code(settings, station_id, now).code
    if not hmac.compare_digest(code.upper().encode(), expected.encode()):
        raise WrongCheckinCode()


def station_of(principal: Principal) -> str:
    if not principal.station_id:
        raise StationRequired()
    return principal.station_id


def county_of(principal: Principal) -> str | None:
    return scope.staff_county(principal)


async def check_in(ctx: Ctx, principal: Principal, station_id: str, seeker_id: str, method: str) -> None:
    """One check-in per seeker per station per China day, of a seeker the caller reaches (staff: their
    station's and county's, as everywhere); the seeker must consent to matching. A seeker who checks
    themself in is opened to the station for a limited time, so its staff may book them."""
    await seekers.get_for(ctx, principal, seeker_id)
    await consents.require(ctx.session, seeker_id, ConsentPurpose.MATCHING)
    now = ctx.clock.now()
    day, _, _ = board.china_day(now)
    row = DispatchCheckin(
        station_id=station_id,
        day=day,
        seeker_id=seeker_id,
        method=method,
        by_sub=principal.sub,
        checked_in_at=now,
    )
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(row)
    except IntegrityError as exc:
        raise AlreadyCheckedIn() from exc
    if method == "self":  # showing up with the day's code opens the seeker to the station, as a lookup would
        scope.open_to_station(ctx, seeker_id, station_id, principal.sub, "checkin")


async def roll(ctx: Ctx, station_id: str, day: date) -> list[tuple[DispatchCheckin, str | None, str | None]]:
    """Today's check-ins in order, each with the seeker's masked phone and masked name (王*明); an erased
    seeker drops out."""
    stmt = (
        select(DispatchCheckin, Seeker.phone_masked, Seeker.name_masked)
        .join(Seeker, Seeker.id == DispatchCheckin.seeker_id)
        .where(DispatchCheckin.station_id == station_id, DispatchCheckin.day == day)
        .order_by(DispatchCheckin.checked_in_at, DispatchCheckin.id)
    )
    return [(row[0], row[1], row[2]) for row in (await ctx.session.execute(stmt)).all()]


async def today_board(ctx: Ctx, principal: Principal, engine: MatchingEngine) -> tuple[board.Morning, int]:
    """Today's board for the staff member's station, and how many are checked in."""
    station = station_of(principal)
    now = ctx.clock.now()
    day, _, _ = board.china_day(now)
    ids = [c.seeker_id for c, *_ in await roll(ctx, station, day)]
    return await board.morning(ctx.session, engine, ids, county_of(principal), now), len(ids)


async def latest_plan(ctx: Ctx, station_id: str, day: date) -> DispatchPlan | None:
    stmt = (
        select(DispatchPlan)
        .where(DispatchPlan.station_id == station_id, DispatchPlan.day == day)
        .order_by(DispatchPlan.created_at.desc(), DispatchPlan.id)
        .limit(1)
    )
    return await ctx.session.scalar(stmt)


async def days_since_work(ctx: Ctx, seeker_ids: Sequence[str], day: date) -> dict[str, int]:
    """Per seeker, days since the last day a dispatch booked them (absent: never)."""
    stmt = (
        select(DispatchPair.seeker_id, func.max(DispatchPlan.day))
        .join(DispatchPlan, DispatchPlan.id == DispatchPair.plan_id)
        .where(DispatchPair.seeker_id.in_(list(seeker_ids)), DispatchPair.outcome.in_(WORKED))
        .group_by(DispatchPair.seeker_id)
    )
    return {
        sid: (day - last).days for sid, last in (await ctx.session.execute(stmt)).all() if last is not None
    }


async def taken_today(ctx: Ctx, station_id: str, day: date) -> set[str]:
    stmt = (
        select(DispatchPair.seeker_id)
        .join(DispatchPlan, DispatchPlan.id == DispatchPair.plan_id)
        .where(
            DispatchPlan.station_id == station_id, DispatchPlan.day == day, DispatchPair.outcome.in_(TAKEN)
        )
    )
    return set((await ctx.session.scalars(stmt)).all())


async def propose(ctx: Ctx, principal: Principal, engine: MatchingEngine) -> DispatchPlan:
    """分配: the plan maximising Σ (score + fairness) over today's roll and board, stored as proposed."""
    station = station_of(principal)
    now = ctx.clock.now()
    day, _, _ = board.china_day(now)
    taken = await taken_today(ctx, station, day)
    numbered = {c.seeker_id: n for n, (c, *_) in enumerate(await roll(ctx, station, day), start=1)}
    present = [c for c in numbered if c not in taken]
    if not present:
        raise NobodyCheckedIn()
    ids = present
    morning = await board.morning(ctx.session, engine, ids, county_of(principal), now)
    days = await days_since_work(ctx, ids, day)
    fair = [
        fairness(days.get(w), bool(q.priority_groups) if (q := morning.queries.get(w)) else False)
        for w in ids
    ]
    shifts = morning.shifts
    value = np.full((len(ids), len(shifts)), np.nan)
    for i, w in enumerate(ids):
        for j, s in enumerate(shifts):
            if (score := morning.scores.get(w, {}).get(s.shift_id)) is not None:
                value[i, j] = score + fair[i]
    found = solve(value, np.array([s.free for s in shifts], dtype=np.int64))
    plan = DispatchPlan(
        id=uuid.uuid4(),
        station_id=station,
        day=day,
        status="proposed",
        total_value=round(found.total, 6),
        created_by_sub=principal.sub,
        created_at=now,
        version=1,
    )
    ctx.session.add(plan)
    await ctx.session.flush()  # the pairs reference it, and no relationship orders the inserts
    for i, (w, pick) in enumerate(zip(ids, found.shift_of, strict=True)):
        shift = shifts[pick] if pick is not None else None
        pair = DispatchPair(
            plan_id=plan.id,
            roll=numbered[w],
            seeker_id=w,
            fairness=round(fair[i], 6),
            days_since_work=days.get(w),
        )
        _place(pair, shift, morning.scores.get(w, {}))
        pair.proposed_shift_id = pair.shift_id
        ctx.session.add(pair)
    await ctx.session.flush()
    return plan


def _place(pair: DispatchPair, shift: board.BoardShift | None, scores: dict[str, float]) -> None:
    pair.shift_id = uuid.UUID(shift.shift_id) if shift else None
    pair.posting_id = uuid.UUID(shift.posting_id) if shift else None
    pair.score = round(scores[shift.shift_id], 6) if shift else None


async def get_plan(
    ctx: Ctx, principal: Principal, plan_id: uuid.UUID, *, for_update: bool = False
) -> DispatchPlan:
    """The plan if it is this staff member's station's (else 404)."""
    stmt = select(DispatchPlan).where(
        DispatchPlan.id == plan_id, DispatchPlan.station_id == station_of(principal)
    )
    if for_update:
        stmt = stmt.with_for_update()
    plan = await ctx.session.scalar(stmt)
    if plan is None:
        raise PlanNotFound()
    return plan


async def pairs_of(ctx: Ctx, plan: DispatchPlan) -> list[DispatchPair]:
    stmt = select(DispatchPair).where(DispatchPair.plan_id == plan.id).order_by(DispatchPair.roll)
    return list((await ctx.session.scalars(stmt)).all())


async def swap(
    ctx: Ctx, principal: Principal, engine: MatchingEngine, plan: DispatchPlan, body: SwapCreate
) -> None:
    """Move a worker to a shift (or to no job), alone into a free place or in exchange with `swap_with`;
    the hard rules hold for both, and the reason is recorded."""
    if plan.status != "proposed":
        raise PlanConfirmed()
    pairs = {p.seeker_id: p for p in await pairs_of(ctx, plan)}
    mover = pairs.get(body.seeker_id)
    other = pairs.get(body.swap_with) if body.swap_with else None
    if mover is None or (body.swap_with and (other is None or other.shift_id != body.shift_id)):
        raise NotInPlan()
    target = str(body.shift_id) if body.shift_id else None
    back = str(mover.shift_id) if mover.shift_id else None
    now = ctx.clock.now()
    morning = await board.morning(ctx.session, engine, list(pairs), county_of(principal), now)
    on_board = {s.shift_id: s for s in morning.shifts}
    for sid, shift_id in ((mover.seeker_id, target), *([(other.seeker_id, back)] if other else [])):
        if shift_id is not None and shift_id not in on_board:
            raise ShiftNotOnBoard()
        if shift_id is not None and shift_id not in morning.scores.get(sid, {}):
            raise IneligiblePair()
    if other is None and target is not None:
        holding = sum(1 for p in pairs.values() if p.shift_id == body.shift_id and p is not mover)
        if holding >= on_board[target].free:
            raise NoFreePlace()
    mover_shift, other_shift = on_board.get(target or ""), on_board.get(back or "")
    _place(mover, mover_shift, morning.scores.get(mover.seeker_id, {}))
    if other is not None:
        _place(other, other_shift, morning.scores.get(other.seeker_id, {}))
    ctx.session.add(
        DispatchSwap(
            plan_id=plan.id,
            seeker_id=mover.seeker_id,
            from_shift_id=uuid.UUID(back) if back else None,
            to_shift_id=body.shift_id,
            with_seeker_id=body.swap_with,
            reason=body.reason,
            staff_sub=principal.sub,
            created_at=now,
        )
    )
    plan.version += 1
    await ctx.session.flush()
