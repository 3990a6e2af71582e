"""Registering a walk-in in three screens, the consent slip to sign, and the separate step for
sensitive facts (only under their own consent; every write audited by the seekers service)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import ValidationError

from services.kit.problems import ProblemError
from services.kit.uow import unit_of_work
from services.matching.console import geomap
from services.matching.console import register_form as rf
from services.matching.console.web import Page, PageRoute, form_of, redirect, render, staff_page
from services.matching.seekers import consents, sensitive
from services.matching.seekers import service as seekers
from services.matching.seekers.deps import Ctx, cipher_of
from services.matching.seekers.schemas import SEEKER_ID_PATTERN, ConsentPurpose, SeekerCreate
from services.matching.seekers.sensitive_schemas import PriorityGroup, SensitiveIn
from services.reference.geo import counties

router = APIRouter(prefix="/console/seekers", route_class=PageRoute, include_in_schema=False)
StaffPage = Annotated[Page, Depends(staff_page)]
SeekerId = Annotated[str, Path(pattern=SEEKER_ID_PATTERN)]
GROUPS = {
    "graduate": ("高校毕业生", "Graduate"),
    "rural_labour": ("农村劳动力", "Rural worker"),
    "older_worker_45_65": ("大龄劳动者（45–65 岁）", "Older worker (45–65)"),
    "disabled": ("残疾人", "Person with a disability"),
    "long_term_unemployed": ("长期失业人员", "Long-term unemployed"),
    "veteran": ("退役军人", "Veteran"),
    "zero_employment_household": ("零就业家庭", "Zero-employment household"),
    "low_income": ("低保家庭", "Low-income household"),
}
CERTIFICATES = ("健康证", "焊工证", "电工证", "叉车证", "驾驶证", "育婴员证", "养老护理员证", "厨师证")


def _ctx(request: Request, session: object) -> Ctx:
    return Ctx(session=session, clock=request.app.state.clock, cipher=cipher_of(request))  # type: ignore[arg-type]


def _counties() -> list[tuple[str, str]]:
    return sorted(((c.adcode, f"{c.city} {c.name}") for c in counties().values()), key=lambda x: x[0])


def _screen(page: Page, step: int, form: rf.Form, errors: dict[str, str], status: int = 200) -> Response:
    return render(
        page,
        "seekers/new.html",
        status,
        step=step,
        form=form,
        values={k: list(v) for k, v in form.items()},
        errors=errors,
        counties=_counties(),
        certificates=[(c, c) for c in CERTIFICATES],
        one=lambda name: rf.one(form, name),
    )


@router.get("/new")
async def new(page: StaffPage) -> Response:
    return _screen(
        page, 1, {"travel_mode": ["bus"], "max_commute_minutes": ["45"], "kinds": ["job", "gig"]}, {}
    )


@router.post("/new")
async def new_step(request: Request, page: StaffPage) -> Response:
    """Screens 1 and 2 check their own fields and go on; screen 3 registers (or goes back to the
    first screen with an error)."""
    assert page.staff is not None
    form = await form_of(request, page)
    step = int(rf.one(form, "step")) if rf.one(form, "step") in ("1", "2", "3") else 1
    if rf.one(form, "back") and step > 1:
        return _screen(page, step - 1, form, {})
    if "map.x" in form:
        return _picked(page, form)
    errors = rf.check(form, step, page.lang)
    if errors:
        return _screen(page, rf.first_step_with(errors), form, errors, 422)
    if step < 3:
        return _screen(page, step + 1, form, {})
    try:
        body = SeekerCreate.model_validate(rf.body_from_form(form))
        async with unit_of_work(request.app.state.sessionmaker) as session:
            seeker = await seekers.create(_ctx(request, session), page.staff, body)
    except (ValidationError, ProblemError) as exc:
        errors = rf.errors_of(exc, page.lang)
        return _screen(page, rf.first_step_with(errors), form, errors, 422)
    return redirect(page, f"/console/seekers/{seeker.id}?changed=1")


def _picked(page: Page, form: rf.Form) -> Response:
    """A click on the map: its point and county fill screen 1, which is shown again."""
    picked = geomap.click_to_home(rf.one(form, "map.x"), rf.one(form, "map.y"))
    if picked is None:
        return _screen(page, 1, form, {"lat": rf.message("lat", page.lang)}, 422)
    chosen = {k: list(v) for k, v in form.items() if k not in ("map.x", "map.y")}
    chosen["lat"], chosen["lng"], chosen["county_adcode"] = [picked[0]], [picked[1]], [picked[2]]
    return _screen(page, 1, chosen, {})


@router.get("/{seeker_id}/consent-slip")
async def consent_slip(seeker_id: SeekerId, page: StaffPage) -> Response:
    """The consent as recorded, printed for the seeker to sign."""
    assert page.staff is not None
    async with unit_of_work(page.request.app.state.sessionmaker, writer=False) as session:
        seeker = await seekers.get_for(_ctx(page.request, session), page.staff, seeker_id)
        history = await consents.history(session, seeker.id)
    return render(
        page,
        "print/consent.html",
        seeker_id=seeker_id,
        consents=[c for c in history if c.withdrawn_at is None],
    )


async def _sensitive_state(page: Page, seeker_id: str) -> tuple[bool, str | None]:
    """Whether the sensitive consent is active, and the record's ETag if there is one."""
    assert page.staff is not None
    async with unit_of_work(page.request.app.state.sessionmaker, writer=False) as session:
        ctx = _ctx(page.request, session)
        await seekers.get_for(ctx, page.staff, seeker_id)
        active = ConsentPurpose.SENSITIVE.value in await consents.active_purposes(session, seeker_id)
        return active, await sensitive.current_etag(ctx, seeker_id)


def _sensitive_page(
    page: Page, seeker_id: str, allowed: bool, errors: dict[str, str], status: int = 200
) -> Response:
    groups = [(g.value, page.t(*GROUPS.get(g.value, (g.value, g.value)))) for g in PriorityGroup]
    return render(
        page,
        "seekers/sensitive.html",
        status,
        seeker_id=seeker_id,
        allowed=allowed,
        errors=errors,
        groups=groups,
    )


@router.get("/{seeker_id}/sensitive")
async def sensitive_form(seeker_id: SeekerId, page: StaffPage) -> Response:
    allowed, _ = await _sensitive_state(page, seeker_id)
    return _sensitive_page(page, seeker_id, allowed, {})


@router.post("/{seeker_id}/sensitive")
async def sensitive_save(seeker_id: SeekerId, request: Request, page: StaffPage) -> Response:
    """Priority groups, disability and the ID number: only under the sensitive consent; audited."""
    assert page.staff is not None
    form = await form_of(request, page)
    allowed, etag = await _sensitive_state(page, seeker_id)
    if not allowed:
        return _sensitive_page(page, seeker_id, False, {}, 403)
    level = rf.one(form, "disability_level")
    try:
        body = SensitiveIn.model_validate(
            {
                "priority_groups": list(form.get("priority_groups") or []),
                "disability": bool(rf.one(form, "disability")),
                "disability_level": level or None,
                **({"id_number": rf.one(form, "id_number")} if rf.one(form, "id_number") else {}),
            }
        )
        async with unit_of_work(request.app.state.sessionmaker) as session:
            ctx = _ctx(request, session)
            seeker = await seekers.get_for(ctx, page.staff, seeker_id, for_update=True)
            await sensitive.put(ctx, page.staff, seeker, body, etag)
    except ValidationError:
        message = page.t(
            "残疾等级须为 1 到 4，且需勾选“有残疾”", "Disability level is 1 to 4, with disability ticked"
        )
        return _sensitive_page(page, seeker_id, True, {"disability_level": message}, 422)
    except ProblemError as exc:
        if exc.status == 404:
            raise
        return _sensitive_page(page, seeker_id, True, {"id_number": page.t(exc.title_zh, exc.title)}, 422)
    return redirect(page, f"/console/seekers/{seeker_id}?changed=1")
