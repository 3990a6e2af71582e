"""Finding a seeker, their matches with reasons, pin / hide, and one-button referral."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.kit.pagination import PageParams
from services.kit.problems import ProblemError
from services.kit.uow import unit_of_work
from services.matching.console import cards, search
from services.matching.console.web import Page, PageRoute, form_of, redirect, render, staff_page
from services.matching.referrals import service as referrals
from services.matching.referrals.client import Refused
from services.matching.referrals.deps import get_env
from services.matching.referrals.schemas import ReferralCreate
from services.matching.seekers import scope
from services.matching.seekers import service as seekers
from services.matching.seekers.deps import Ctx, audited_read, cipher_of
from services.matching.seekers.exceptions import SeekerNotFound
from services.matching.seekers.schemas import SEEKER_ID_PATTERN
from services.matching.serving import overrides, reads, views
from services.matching.serving.deps import get_engine
from services.matching.serving.exceptions import MatchingNotReady
from services.matching.serving.schemas import OverrideCreate

router = APIRouter(prefix="/console/seekers", route_class=PageRoute, include_in_schema=False)
StaffPage = Annotated[Page, Depends(staff_page)]
SeekerId = Annotated[str, Path(pattern=SEEKER_ID_PATTERN)]
TOP_K = 12


def _ctx(request: Request, session: Any) -> Ctx:
    return Ctx(session=session, clock=request.app.state.clock, cipher=cipher_of(request))


async def _find(page: Page, q: str) -> tuple[list[Any], str | None]:
    """The seekers for the query, and a note when the query cannot be used."""
    assert page.staff is not None
    request, query = page.request, search.classify(q)
    if query.kind in ("phone", "id_number"):
        async with audited_read(request) as ctx:
            found = await scope.lookup(ctx, page.staff, **{query.kind: query.value})
        return found, None
    if query.kind == "seeker_id":
        async with unit_of_work(request.app.state.sessionmaker, writer=False) as session:
            try:
                return [await seekers.get_for(_ctx(request, session), page.staff, query.value)], None
            except SeekerNotFound:
                pass
    if query.name is not None:
        async with audited_read(request) as ctx:
            return await scope.by_name(ctx, page.staff, query.name), None
    if query.kind == "seeker_id":
        return [], None
    if query.value == "id_number":
        return [], page.t("身份证号码校验不通过，请核对", "That ID number does not check out")
    return [], page.t(
        "请输入完整的手机号、身份证号、姓名或求职者编号。",
        "Give a full phone or ID number, a full name, or a seeker id.",
    )


@router.get("")
async def find(page: StaffPage, q: Annotated[str, Query(max_length=64)] = "") -> Response:
    assert page.staff is not None
    note = None
    if q.strip():
        found, note = await _find(page, q)
    else:
        async with unit_of_work(page.request.app.state.sessionmaker, writer=False) as session:
            rows, _ = await seekers.list_(
                _ctx(page.request, session), page.staff, PageParams(limit=30, after=None)
            )
        found = list(rows)
    return render(page, "seekers/list.html", q=q, found=found, note=note)


async def _detail(
    page: Page, seeker_id: str, *, notice: dict[str, str] | None = None, status: int = 200
) -> Response:
    assert page.staff is not None
    request = page.request
    async with unit_of_work(request.app.state.sessionmaker, writer=False) as session:
        ctx = _ctx(request, session)
        seeker = await seekers.get_for(ctx, page.staff, seeker_id)
        profile = await seekers.to_read(ctx, seeker, ctx.clock.now())
        live = {str(o.posting_id): str(o.id) for o in await overrides.live(session, seeker_id)}
    full_name = None
    if profile.name is not None:  # the full name, on this page only, its read audited
        async with audited_read(request) as reading:
            seeker = await seekers.get_for(reading, page.staff, seeker_id)
            full_name = await seekers.reveal_name(reading, page.staff, seeker)
    referred = await referrals.for_seeker(get_env(request), page.staff, seeker_id)
    matches, not_ready = [], False
    try:
        found = await views.seeker_matches(request, page.staff, get_engine(request), seeker_id, None, TOP_K)
        async with unit_of_work(request.app.state.sessionmaker, writer=False) as session:
            stored = await reads.postings(session, [str(m.posting_id) for m in found.items])
        matches = [
            cards.card(
                m, stored.get(str(m.posting_id)), profile.travel_mode, page.lang, live.get(str(m.posting_id))
            )
            for m in found.items
        ]
    except MatchingNotReady:
        not_ready = True
    return render(
        page,
        "seekers/detail.html",
        status,
        profile=profile,
        full_name=full_name,
        matches=matches,
        not_ready=not_ready,
        referred=referred,
        notice=notice,
        keys={m.posting_id: uuid.uuid4().hex for m in matches},
        can_override=overrides.may_override(page.staff),
    )


@router.get("/{seeker_id}")
async def detail(seeker_id: SeekerId, page: StaffPage, referred: str = "", changed: str = "") -> Response:
    notice = None
    if referred:
        notice = {
            "kind": "ok",
            "text": page.t("已办理，结果见下方“推荐记录”。", "Done: see the referrals below."),
        }
    elif changed:
        notice = {"kind": "ok", "text": page.t("已保存。", "Saved.")}
    return await _detail(page, seeker_id, notice=notice)


def _target(form: dict[str, list[str]]) -> ReferralCreate | None:
    kind, _, value = (form.get("target") or [""])[0].partition(":")
    try:
        if kind == "posting":
            return ReferralCreate(posting_id=uuid.UUID(value))
        if kind == "shift":
            return ReferralCreate(shift_id=uuid.UUID(value))
    except ValueError:
        return None
    return None


@router.post("/{seeker_id}/refer")
async def refer(seeker_id: SeekerId, request: Request, page: StaffPage) -> Response:
    """One button: apply to the job or book the shift for the seeker; a double click books once."""
    assert page.staff is not None
    assert page.token is not None
    form = await form_of(request, page)
    body = _target(form)
    key = (form.get("key") or [""])[0]
    if body is None or not (8 <= len(key) <= 64 and key.isalnum()):
        return await _detail(
            page,
            seeker_id,
            notice=_problem(page, "请从列表中选择岗位", "Choose a posting from the list"),
            status=422,
        )
    result = await referrals.refer(
        get_env(request), referrals.Referrer(page.staff, page.token), seeker_id, body, key
    )
    if isinstance(result, Refused):
        text = page.t(f"岗位服务没有办理：{result.title_zh}", f"Not done: {result.title}")
        return await _detail(page, seeker_id, notice={"kind": "error", "text": text}, status=409)
    return redirect(page, f"/console/seekers/{seeker_id}?referred={result.id}")


def _problem(page: Page, zh: str, en: str) -> dict[str, str]:
    return {"kind": "error", "text": page.t(zh, en)}


@router.post("/{seeker_id}/overrides")
async def override(seeker_id: SeekerId, request: Request, page: StaffPage) -> Response:
    """Pin a posting to the top or hide it, with a reason (station staff, as the API)."""
    assert page.staff is not None
    form = await form_of(request, page)
    overrides.require_overrider(page.staff)
    reason = (form.get("reason") or [""])[0].strip()
    if not reason:
        notice = _problem(page, "置顶或隐藏需要填写原因", "Pinning or hiding needs a reason")
        return await _detail(page, seeker_id, notice=notice, status=422)
    try:
        body = OverrideCreate.model_validate(
            {
                "posting_id": (form.get("posting_id") or [""])[0],
                "action": (form.get("action") or [""])[0],
                "reason": reason,
            }
        )
    except ValueError:
        return await _detail(
            page,
            seeker_id,
            notice=_problem(
                page,
                "原因太长或含有不允许的字符",
                "The reason is too long or has characters that are not allowed",
            ),
            status=422,
        )
    try:
        async with unit_of_work(request.app.state.sessionmaker) as session:
            await views.create_override(_ctx(request, session), page.staff, seeker_id, body)
    except ProblemError as exc:
        if exc.status in (403, 404):  # the API's answer, on the error page
            raise
        return await _detail(
            page, seeker_id, notice=_problem(page, exc.title_zh, exc.title), status=exc.status
        )
    return redirect(page, f"/console/seekers/{seeker_id}?changed=1")


@router.post("/{seeker_id}/overrides/{override_id}/revoke")
async def revoke(seeker_id: SeekerId, override_id: uuid.UUID, request: Request, page: StaffPage) -> Response:
    assert page.staff is not None
    await form_of(request, page)
    async with unit_of_work(request.app.state.sessionmaker) as session:
        await views.revoke_override(_ctx(request, session), page.staff, seeker_id, override_id)
    return redirect(page, f"/console/seekers/{seeker_id}?changed=1")
