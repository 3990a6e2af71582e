"""Routes for a seeker's PIPL rights: the export of everything held (JSON or a printable page) and the
retention notices the seeker app reads and answers."""

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from services.kit.problems import Forbidden
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.matching.privacy import export, retention
from services.matching.privacy.config import PrivacySettings, get_privacy_settings
from services.matching.privacy.exceptions import NoticeNotFound
from services.matching.privacy.schemas import NoticeRead, SeekerExport
from services.matching.referrals.client import PostingsActions
from services.matching.replica.client import token_source
from services.matching.replica.config import ReplicaSettings, get_replica_settings
from services.matching.seekers import service
from services.matching.seekers.deps import Anyone, CtxDep, audited_read
from services.matching.seekers.exceptions import SeekerNotFound
from services.matching.seekers.schemas import SEEKER_ID_PATTERN

router = APIRouter(prefix="/v1/seekers", tags=["privacy"], route_class=UnitOfWorkRoute)
SeekerIdPath = Annotated[str, Path(pattern=SEEKER_ID_PATTERN, description="The seeker's id")]
pages = Environment(
    loader=PackageLoader("services.matching.privacy", "templates"), autoescape=select_autoescape(["html"])
)
HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "The export"}
}


TITLES = {
    "profile": "基本信息 Profile",
    "sensitive": "敏感个人信息 Sensitive data",
    "consents": "同意记录 Consents",
    "access_log": "访问记录 Who accessed your data",
    "matches_shown": "推荐结果 Matches shown",
    "referrals": "推荐记录 Referrals",
    "dispatch": "零工派工 Dispatch",
    "cases": "帮扶台账 Case",
    "household": "家庭 Household",
    "placements": "就业记录 Placements",
    "applications": "求职申请 Applications",
    "engagements": "用工记录 Engagements",
    "retention_notices": "保存期限通知 Retention notices",
}


class ExportFormat(StrEnum):
    JSON = "json"
    HTML = "html"


def privacy_settings(request: Request) -> PrivacySettings:
    found = getattr(request.app.state, "privacy_settings", None)
    return found if isinstance(found, PrivacySettings) else get_privacy_settings()


def _postings_token(request: Request) -> str | None:
    """The matching service's own token: the route has checked who may see this seeker."""
    replica = getattr(request.app.state, "replica_settings", None)
    try:
        source = token_source(
            request.app.state.settings.auth,
            replica if isinstance(replica, ReplicaSettings) else get_replica_settings(),
        )
        return source.token()
    except ValueError:
        return None


@router.get(
    "/{seeker_id}/export",
    response_model=SeekerExport,
    summary="Everything held about a seeker, as one document (PIPL art. 45): the seeker, or staff who "
    "reach them on their behalf (audited); format=html gives a printable page",
    responses=HTML | problems(Forbidden, SeekerNotFound),
)
async def export_seeker(
    seeker_id: SeekerIdPath,
    request: Request,
    principal: Anyone,
    format_: Annotated[ExportFormat, Query(alias="format", description="json (default) or html")] = (
        ExportFormat.JSON
    ),
) -> Any:
    postings = getattr(request.app.state, "postings_actions", None)
    async with audited_read(request) as ctx:
        seeker = await service.get_for(ctx, principal, seeker_id)
        document = await export.build(
            ctx,
            principal,
            seeker,
            postings if isinstance(postings, PostingsActions) else None,
            _postings_token(request),
            privacy_settings(request).export_postings_limit,
        )
    headers = {"Cache-Control": "no-store"}
    if format_ == ExportFormat.HTML:
        page = pages.get_template("export.html").render(doc=document.model_dump(mode="json"), titles=TITLES)
        return HTMLResponse(page, headers=headers)
    return Response(document.model_dump_json(), media_type="application/json", headers=headers)


@router.get(
    "/{seeker_id}/notices",
    response_model=list[NoticeRead],
    summary="Retention notices: when an inactive profile will be erased (the seeker; staff who reach them)",
    responses=problems(Forbidden, SeekerNotFound),
)
async def list_notices(seeker_id: SeekerIdPath, ctx: CtxDep, principal: Anyone) -> list[NoticeRead]:
    await service.get_for(ctx, principal, seeker_id)
    return [NoticeRead.model_validate(n) for n in await retention.notices_of(ctx.session, seeker_id)]


@router.post(
    "/{seeker_id}/notices/{notice_id}/keep",
    response_model=NoticeRead,
    summary="Keep the profile: the seeker (or staff for them) answers a retention notice; no erasure",
    responses=problems(Forbidden, SeekerNotFound, NoticeNotFound),
)
async def keep_profile(
    seeker_id: SeekerIdPath, notice_id: uuid.UUID, ctx: CtxDep, principal: Anyone
) -> NoticeRead:
    seeker = await service.get_for(ctx, principal, seeker_id, for_update=True)
    return NoticeRead.model_validate(await retention.keep(ctx, principal, seeker.id, notice_id))
