"""帮扶台账 in the console: the cases of the station and county with what is overdue, one case's plan and
log, and closing it with a reason of the 就业援助 rules (the same service functions as `/v1/cases`)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import ValidationError

from services.kit.pagination import PageParams
from services.kit.problems import ProblemError
from services.matching.cases import service, views
from services.matching.cases.deps import audited_read
from services.matching.cases.schemas import CLOSE_REASONS, CaseClose
from services.matching.console.web import Page, PageRoute, form_of, redirect, render, staff_page

router = APIRouter(prefix="/console/cases", route_class=PageRoute, include_in_schema=False)
StaffPage = Annotated[Page, Depends(staff_page)]
PAGE_SIZE = 50

REASONS = {
    "employed": ("就业稳定（回访期满）", "Employed, stable after the after-care check"),
    "self_employed": ("自主创业或灵活就业", "Self-employed or flexible work"),
    "pension_age": ("达到法定退休年龄", "Reached pension age"),
    "moved_away": ("迁出本地", "Moved away"),
    "support_period_ended": ("援助期满", "Support period ended"),
    "declined_services": ("多次无正当理由拒绝服务", "Declined services repeatedly"),
    "deceased": ("死亡", "Deceased"),
}
assert set(REASONS) == set(CLOSE_REASONS)


@router.get("")
async def list_cases(
    page: StaffPage,
    overdue: Annotated[bool, Query()] = False,
    status: Annotated[str | None, Query(pattern=r"^(pending|active|aftercare|closed)$")] = None,
) -> Response:
    assert page.staff is not None
    filters = views.Filters(status=status, overdue=True if overdue else None)
    async with audited_read(page.request) as ctx:
        items, _ = await views.page(ctx, page.staff, filters, PageParams(limit=PAGE_SIZE, after=None))
    return render(page, "cases/list.html", cases=items, overdue=overdue, status=status)


async def _detail(
    page: Page, case_id: uuid.UUID, *, notice: dict[str, str] | None = None, status: int = 200
) -> Response:
    assert page.staff is not None
    async with audited_read(page.request) as ctx:
        case = await views.full(ctx, page.staff, await service.get_for(ctx, page.staff, case_id))
    reasons = [(code, page.t(*REASONS[code])) for code in CLOSE_REASONS]
    return render(page, "cases/detail.html", status, case=case, reasons=reasons, notice=notice)


@router.get("/{case_id}")
async def detail(case_id: uuid.UUID, page: StaffPage, closed: str = "") -> Response:
    notice = {"kind": "ok", "text": page.t("已结案。", "Closed.")} if closed else None
    return await _detail(page, case_id, notice=notice)


@router.post("/{case_id}/close")
async def close(case_id: uuid.UUID, request: Request, page: StaffPage) -> Response:
    """Close with a reason and a note; a refusal is shown on the case's page in Chinese."""
    assert page.staff is not None
    form = await form_of(request, page)
    try:
        body = CaseClose.model_validate(
            {"reason": (form.get("reason") or [""])[0], "note": (form.get("note") or [""])[0]}
        )
    except ValidationError:
        text = page.t("结案需要选择原因并填写说明", "Closing needs a reason and a note")
        return await _detail(page, case_id, notice={"kind": "error", "text": text}, status=422)
    try:
        async with audited_read(request) as ctx:
            case = await service.get_for(ctx, page.staff, case_id, for_update=True)
            await service.close(ctx, page.staff, case, body)
    except ProblemError as exc:
        if exc.status == 404:
            raise
        notice = {"kind": "error", "text": page.t(exc.title_zh, exc.title)}
        return await _detail(page, case_id, notice=notice, status=exc.status)
    return redirect(page, f"/console/cases/{case_id}?closed=1")
