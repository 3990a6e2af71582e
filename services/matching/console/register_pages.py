"""Registering a walk-in in three screens, the consent slip to sign, and the separate step for
sensitive facts (only under their own consent; every write audited by the seekers service)."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import ValidationError

from services.kit.problems import ProblemError
from services.kit.uow import unit_of_work
from services.matching.console import drafts, geomap
from services.matching.console import register_form as rf
from services.matching.console.models import RegistrationDraft
from services.matching.console.web import (
    Page,
    PageRoute,
    console_settings,
    form_of,
    redirect,
    render,
    staff_page,
)
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


def _screen(
    page: Page,
    step: int,
    form: rf.Form,
    errors: dict[str, str],
    status: int = 200,
    *,
    draft: str = "",
    notice: str | None = None,
) -> Response:
    return render(
        page,
        "seekers/new.html",
        status,
        step=step,
        form=form,
        draft=draft,
        notice=notice,
        values={k: list(v) for k, v in form.items()},
        errors=errors,
        counties=_counties(),
        certificates=[(c, c) for c in CERTIFICATES],
        one=lambda name: rf.one(form, name),
    )


DEFAULTS: rf.Form = {"travel_mode": ["bus"], "max_commute_minutes": ["45"], "kinds": ["job", "gig"]}
NEW = "/console/seekers/new"


def _at(draft_id: str, step: int) -> str:
    return f"{NEW}?{urlencode({'draft': draft_id, 'step': step})}"


def _done(page: Page, seeker_id: str) -> Response:
    return redirect(page, f"/console/seekers/{seeker_id}?changed=1")


@router.get("/new")
async def new(
    page: StaffPage,
    draft: Annotated[str, Query(max_length=64)] = "",
    step: Annotated[int, Query(ge=1, le=3)] = 1,
) -> Response:
    """A screen of the registration: the first, empty, or any screen reached so far of a draft."""
    assert page.staff is not None
    if not draft:
        return _screen(page, 1, DEFAULTS, {})
    request = page.request
    async with unit_of_work(request.app.state.sessionmaker, writer=False) as session:
        found = await drafts.load(session, draft, page.staff.sub, request.app.state.clock.now())
    if found is None:
        gone = page.t("这次登记已过期或不存在，请重新填写。", "This registration expired or does not exist.")
        return _screen(page, 1, DEFAULTS, {}, notice=gone)
    if found.seeker_id is not None:
        return _done(page, found.seeker_id)
    return _screen(page, min(step, found.step), drafts.fields(cipher_of(request), found), {}, draft=draft)


@router.post("/new")
async def new_step(request: Request, page: StaffPage) -> Response:
    """One screen posted: kept in the draft and answered with a redirect to the next screen (or back,
    or the seeker once registered); errors re-render the screen with 422, nothing moves on."""
    assert page.staff is not None
    posted = await form_of(request, page)
    step = int(rf.one(posted, "step")) if rf.one(posted, "step") in ("1", "2", "3") else 1
    draft_id = rf.one(posted, "draft")
    now, cipher = request.app.state.clock.now(), cipher_of(request)
    async with unit_of_work(request.app.state.sessionmaker) as session:
        if draft_id:
            draft = await drafts.load(session, draft_id, page.staff.sub, now, for_update=True)
            if draft is None:
                return redirect(page, f"{NEW}?{urlencode({'draft': draft_id})}")
            if draft.seeker_id is not None:  # registered already: a resubmit or a reload
                return _done(page, draft.seeker_id)
            form = rf.merged(drafts.fields(cipher, draft), posted, step)
        else:
            draft, form = None, rf.merged({}, posted, step)
        if rf.one(posted, "back") and step > 1 and draft is not None:
            drafts.keep(cipher, draft, form, step)
            return redirect(page, _at(draft.id, step - 1))
        if "map.x" in posted:
            picked = geomap.click_to_home(rf.one(posted, "map.x"), rf.one(posted, "map.y"))
            if picked is None:
                errors = {"lat": rf.message("lat", page.lang)}
                return _screen(page, 1, form, errors, 422, draft=draft.id if draft else "")
            form["lat"], form["lng"], form["county_adcode"] = [picked[0]], [picked[1]], [picked[2]]
            step = 0  # kept, and screen 1 shown again
        elif errors := rf.check(form, step, page.lang):
            return _screen(page, rf.first_step_with(errors), form, errors, 422, draft=draft_id)
        if draft is None:
            await drafts.sweep(session, now)
            hours = console_settings(request).session_hours
            draft = drafts.new(session, page.staff.sub, now, hours)
        if step < 3:
            drafts.keep(cipher, draft, form, step + 1)
            return redirect(page, _at(draft.id, step + 1))
        return await _register(page, _ctx(request, session), draft, form)


async def _register(page: Page, ctx: Ctx, draft: RegistrationDraft, form: rf.Form) -> Response:
    """The last screen: register through the seekers service, in the draft's transaction (locked, so a
    double submit registers once), and mark the draft done."""
    assert page.staff is not None
    try:
        body = SeekerCreate.model_validate(rf.body_from_form(form))
        seeker = await seekers.create(ctx, page.staff, body)
    except (ValidationError, ProblemError) as exc:
        errors = rf.errors_of(exc, page.lang)
        return _screen(page, rf.first_step_with(errors), form, errors, 422, draft=draft.id)
    drafts.finish(draft, seeker.id)
    return _done(page, seeker.id)


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
