"""帮扶台账 in the console: the cases of the station and county with what is overdue, one case's plan and
log, and closing it with a reason of the 就业援助 rules (the same service functions as `/v1/cases`)."""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import ValidationError

from services.kit.pagination import PageParams
from services.kit.problems import ProblemError
from services.matching.cases import service, views
from services.matching.cases.calendar import CHINA
from services.matching.cases.deps import audited_read
from services.matching.cases.schemas import CLOSE_REASONS, CaseClose
from services.matching.console.web import Page, PageRoute, form_of, redirect, render, staff_page
from services.matching.seekers import service as seekers

router = APIRouter(prefix="/console/cases", route_class=PageRoute, include_in_schema=False)
StaffPage = Annotated[Page, Depends(staff_page)]
PAGE_SIZE = 50

LABELS = {
    # groups
    "older_worker": ("大龄", "Older worker"),
    "disabled": ("残疾人", "Disabled"),
    "long_term_unemployed": ("长期失业", "Long-term unemployed"),
    "zero_employment_household": ("零就业家庭成员", "Zero-employment household"),
    "low_income": ("低保家庭", "Low-income household"),
    "poverty_alleviation": ("脱贫劳动力/防返贫监测", "Poverty alleviation"),
    "veteran": ("退役军人", "Veteran"),
    "unemployed_graduate": ("离校未就业高校毕业生", "Unemployed graduate"),
    # statuses
    "pending": ("待认定", "Pending"),
    "active": ("帮扶中", "Active"),
    "aftercare": ("就业回访期", "After-care"),
    "closed": ("已结案", "Closed"),
    # actions and contacts
    "guidance": ("职业指导", "Guidance"),
    "job_offer": ("岗位推荐", "Job offer"),
    "training": ("技能培训", "Training"),
    "public_welfare_post": ("公益性岗位安置", "Public-welfare post"),
    "entrepreneurship": ("创业服务", "Entrepreneurship"),
    "other": ("其他", "Other"),
    "contact": ("联系", "Contact"),
    "referral": ("推荐投递", "Referral"),
    "training_lead": ("培训信息", "Training lead"),
    "aftercare_check": ("稳岗回访", "After-care check"),
    "phone": ("电话", "Phone"),
    "visit": ("上门", "Visit"),
    "station": ("到站", "At the station"),
    "app": ("线上", "Online"),
    "message": ("短信", "Message"),
    "reached": ("已联系上", "Reached"),
    "not_reached": ("未联系上", "Not reached"),
    "accepted": ("接受", "Accepted"),
    "declined": ("拒绝", "Declined"),
    # history
    "opened": ("建档", "Opened"),
    "certified": ("认定", "Certified"),
    "plan_changed": ("计划调整", "Plan changed"),
    "work_changed": ("变更就业", "Work changed"),
    "reopened": ("重新帮扶", "Reopened"),
    "employed": ("实现就业", "Employed"),
}
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


def _helpers(page: Page) -> dict[str, Callable[..., str]]:
    """Chinese (or English) words for the stored codes, and times in China time."""

    def label(code: str) -> str:
        words = LABELS.get(code) or REASONS.get(code)
        return page.t(*words) if words else code

    def local(when: datetime) -> str:
        return when.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")

    return {"label": label, "local": local}


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
        names = await seekers.masked_names(ctx.session, [c.seeker_id for c in items])
    return render(
        page,
        "cases/list.html",
        200,
        cases=items,
        names=names,
        overdue=overdue,
        status=status,
        **_helpers(page),
    )


async def _detail(
    page: Page, case_id: uuid.UUID, *, notice: dict[str, str] | None = None, status: int = 200
) -> Response:
    assert page.staff is not None
    async with audited_read(page.request) as ctx:
        case = await views.full(ctx, page.staff, await service.get_for(ctx, page.staff, case_id))
    reasons = [(code, page.t(*REASONS[code])) for code in CLOSE_REASONS]
    return render(
        page, "cases/detail.html", status, case=case, reasons=reasons, notice=notice, **_helpers(page)
    )


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
