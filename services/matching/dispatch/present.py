"""Plans, rolls and boards as the API shows them: masked phones and names, shift details from the replica."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from services.matching.dispatch.board import BoardShift, Morning
from services.matching.dispatch.models import DispatchCheckin, DispatchPair, DispatchPlan, DispatchSwap
from services.matching.dispatch.schemas import (
    BoardRead,
    BoardShiftRead,
    CheckinRead,
    PairRead,
    PlanRead,
    ResultRead,
    RollRead,
    ShiftRead,
    SwapRead,
)
from services.matching.ranking.snapshots import epoch
from services.matching.seekers.deps import Ctx
from services.matching.seekers.models import Seeker
from services.matching.seekers.query import CHINA
from services.matching.serving import reads


def roll_read(
    station_id: str, day: Any, rows: Sequence[tuple[DispatchCheckin, str | None, str | None]]
) -> RollRead:
    items = [
        CheckinRead(
            seeker_id=c.seeker_id,
            roll=i + 1,
            phone=phone,
            name=name,
            method=c.method,
            checked_in_at=c.checked_in_at,
        )
        for i, (c, phone, name) in enumerate(rows)
    ]
    return RollRead(station_id=station_id, day=day, items=items)


def _shift_fields(s: BoardShift) -> dict[str, Any]:
    return {
        "shift_id": s.shift_id,
        "posting_id": s.posting_id,
        "title": s.title,
        "employer": s.employer,
        "address": s.address,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
    }


def board_read(station_id: str, present: int, morning: Morning) -> BoardRead:
    shifts = [
        BoardShiftRead(
            **_shift_fields(s), headcount=s.headcount, free=s.free, reachable=morning.reachable(s.shift_id)
        )
        for s in morning.shifts
    ]
    return BoardRead(station_id=station_id, day=morning.day, present=present, shifts=shifts)


async def _shifts(ctx: Ctx, pairs: Sequence[DispatchPair]) -> dict[uuid.UUID, ShiftRead]:
    """The plan's shifts as the replica holds them now (a closed posting keeps its snapshot)."""
    stored = await reads.postings(ctx.session, sorted({str(p.posting_id) for p in pairs if p.posting_id}))
    out: dict[uuid.UUID, ShiftRead] = {}
    for posting in stored.values():
        snap = posting.snapshot
        for sh in snap.get("shifts") or []:
            out[uuid.UUID(str(sh["id"]))] = ShiftRead(
                shift_id=sh["id"],
                posting_id=snap["id"],
                title=str(snap.get("title") or ""),
                employer=posting.employer_name,
                address=(snap.get("location") or {}).get("address"),
                starts_at=datetime.fromtimestamp(epoch(sh["starts_at"]), CHINA),
                ends_at=datetime.fromtimestamp(epoch(sh["ends_at"]), CHINA),
            )
    return out


def _result(p: DispatchPair) -> ResultRead | None:
    if p.outcome is None or p.attempted_at is None:
        return None
    return ResultRead(
        outcome=p.outcome,
        code=p.outcome_code,
        title=p.outcome_title,
        title_zh=p.outcome_title_zh,
        engagement_id=p.engagement_id,
        at=p.attempted_at,
    )


async def plan_read(ctx: Ctx, plan: DispatchPlan, pairs: Sequence[DispatchPair]) -> PlanRead:
    ids = [p.seeker_id for p in pairs]
    masked = {
        sid: (phone, name)
        for sid, phone, name in (
            await ctx.session.execute(
                select(Seeker.id, Seeker.phone_masked, Seeker.name_masked).where(Seeker.id.in_(ids))
            )
        ).all()
    }
    shifts = await _shifts(ctx, pairs)
    swaps = (
        await ctx.session.scalars(
            select(DispatchSwap).where(DispatchSwap.plan_id == plan.id).order_by(DispatchSwap.created_at)
        )
    ).all()
    items = [
        PairRead(
            roll=p.roll,
            seeker_id=p.seeker_id,
            phone=masked.get(p.seeker_id, (None, None))[0],
            name=masked.get(p.seeker_id, (None, None))[1],
            shift=shifts.get(p.shift_id) if p.shift_id else None,
            proposed_shift_id=p.proposed_shift_id,
            swapped=p.shift_id != p.proposed_shift_id,
            score=p.score,
            fairness=p.fairness,
            days_since_work=p.days_since_work,
            result=_result(p),
        )
        for p in pairs
    ]
    return PlanRead(
        id=plan.id,
        station_id=plan.station_id,
        day=plan.day,
        status=plan.status,
        total_value=plan.total_value,
        assigned=sum(1 for p in pairs if p.shift_id),
        no_job=sum(1 for p in pairs if not p.shift_id),
        items=items,
        swaps=[
            SwapRead(
                seeker_id=s.seeker_id,
                from_shift_id=s.from_shift_id,
                to_shift_id=s.to_shift_id,
                with_seeker_id=s.with_seeker_id,
                reason=s.reason,
                staff_sub=s.staff_sub,
                at=s.created_at,
            )
            for s in swaps
        ],
    )
