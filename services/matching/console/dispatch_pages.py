"""`/console/dispatch`: the morning dispatch for staff — tick workers in, see today's board, 分配, swap
with a reason, 确认 and read each worker's result. Pages call the dispatch service, as its API does."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.kit.problems import ProblemError
from services.kit.uow import SessionDep
from services.matching.console import qr
from services.matching.console.web import Page, UowPageRoute, form_of, redirect, render, staff_page
from services.matching.dispatch import board, booking, present, service, sheet
from services.matching.dispatch.deps import dispatch_settings, get_booker
from services.matching.dispatch.schemas import SwapCreate
from services.matching.seekers.deps import Ctx, get_ctx
from services.matching.serving.deps import get_engine

router = APIRouter(prefix="/console/dispatch", route_class=UowPageRoute, include_in_schema=False)
StaffPage = Annotated[Page, Depends(staff_page)]
NO_JOB = "none"


def _ctx(page: Page, session: SessionDep) -> Ctx:
    return get_ctx(page.request, session)


async def _morning_page(page: Page, ctx: Ctx, errors: dict[str, str], status: int = 200) -> Response:
    assert page.staff is not None
    station = service.station_of(page.staff)
    day, _, _ = board.china_day(ctx.clock.now())
    roll = present.roll_read(station, day, await service.roll(ctx, station, day))
    morning, _ = await service.today_board(ctx, page.staff, get_engine(page.request))
    latest = await service.latest_plan(ctx, station, day)
    code = service.todays_code(dispatch_settings(page.request), station, ctx.clock.now())
    return render(
        page,
        "dispatch/morning.html",
        status,
        roll=roll,
        board=present.board_read(station, len(roll.items), morning),
        latest=latest,
        code=code,
        qr=qr.svg(code.url, page.t("本站今日签到二维码", "This station's check-in code today")),
        errors=errors,
        tail=sheet.tail,
        hours=sheet.hours,
        local_time=sheet.local_time,
    )


@router.get("")
async def morning(page: StaffPage, session: SessionDep) -> Response:
    return await _morning_page(page, _ctx(page, session), {})


@router.post("/checkins")
async def tick(request: Request, page: StaffPage, session: SessionDep) -> Response:
    form = await form_of(request, page)
    assert page.staff is not None
    ctx = _ctx(page, session)
    seeker_id = (form.get("seeker_id") or [""])[0].strip()
    try:
        if not seeker_id or len(seeker_id) > 64:
            raise ValueError
        await service.check_in(ctx, page.staff, service.station_of(page.staff), seeker_id, "staff")
    except ValueError:
        return await _morning_page(
            page, ctx, {"seeker_id": page.t("请输入求职者编号", "Enter the seeker's id")}, 422
        )
    except ProblemError as exc:
        return await _morning_page(page, ctx, {"seeker_id": page.t(exc.title_zh, exc.title)}, exc.status)
    return redirect(page, "/console/dispatch")


@router.post("/plans")
async def assign(request: Request, page: StaffPage, session: SessionDep) -> Response:
    await form_of(request, page)
    assert page.staff is not None
    plan = await service.propose(_ctx(page, session), page.staff, get_engine(request))
    return redirect(page, f"/console/dispatch/plans/{plan.id}")


async def _plan_page(
    page: Page, ctx: Ctx, plan_id: uuid.UUID, errors: dict[str, str], status: int = 200
) -> Response:
    assert page.staff is not None
    plan = await service.get_plan(ctx, page.staff, plan_id)
    read = await present.plan_read(ctx, plan, await service.pairs_of(ctx, plan))
    targets = []
    if read.status == "proposed":
        morning, _ = await service.today_board(ctx, page.staff, get_engine(page.request))
        targets = morning.shifts
    return render(
        page,
        "dispatch/plan.html",
        status,
        plan=read,
        groups=sheet.groups(read),
        unreachable=sheet.unreachable(read),
        errors=errors,
        tail=sheet.tail,
        result_text=lambda r: sheet.result_text(r, page.lang),
        no_job=NO_JOB,
        targets=targets,
        hours=sheet.hours,
        roll_of={p.seeker_id: p.roll for p in read.items},
    )


@router.get("/plans/{plan_id}")
async def plan_page(plan_id: uuid.UUID, page: StaffPage, session: SessionDep) -> Response:
    return await _plan_page(page, _ctx(page, session), plan_id, {})


def _swap_body(form: dict[str, list[str]]) -> SwapCreate:
    first = {k: v[0] for k, v in form.items() if v and v[0] != ""}
    target = first.get("shift_id", NO_JOB)
    return SwapCreate(
        seeker_id=first.get("seeker_id", ""),
        shift_id=None if target == NO_JOB else uuid.UUID(target),
        swap_with=first.get("swap_with"),
        reason=first.get("reason", ""),
    )


@router.post("/plans/{plan_id}/swaps")
async def swap(plan_id: uuid.UUID, request: Request, page: StaffPage, session: SessionDep) -> Response:
    form = await form_of(request, page)
    assert page.staff is not None
    ctx = _ctx(page, session)
    try:
        body = _swap_body(form)
    except ValueError:
        message = page.t("请选择要调整的人并写明原因（至少两个字）", "Choose the worker and give a reason")
        return await _plan_page(page, ctx, plan_id, {"reason": message}, 422)
    plan = await service.get_plan(ctx, page.staff, plan_id, for_update=True)
    try:
        await service.swap(ctx, page.staff, get_engine(request), plan, body)
    except ProblemError as exc:
        if exc.status == 404:
            raise
        return await _plan_page(
            page, ctx, plan_id, {"seeker_id": page.t(exc.title_zh, exc.title)}, exc.status
        )
    return redirect(page, f"/console/dispatch/plans/{plan_id}")


@router.post("/plans/{plan_id}/confirm")
async def confirm(plan_id: uuid.UUID, request: Request, page: StaffPage, session: SessionDep) -> Response:
    await form_of(request, page)
    assert page.staff is not None
    assert page.token is not None
    ctx = _ctx(page, session)
    plan = await service.get_plan(ctx, page.staff, plan_id, for_update=True)
    pairs = await service.pairs_of(ctx, plan)
    await booking.confirm(ctx, page.staff, plan, pairs, page.token, get_booker(request))
    return redirect(page, f"/console/dispatch/plans/{plan_id}")
