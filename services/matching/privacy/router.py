"""Routes for a seeker's PIPL rights: the export of everything held (JSON or a printable page) and the
retention notices the seeker app reads and answers."""

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from services.kit.etag import IdempotencyHeader
from services.kit.problems import Forbidden
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.matching.privacy import retention
from services.matching.privacy.deps import export_document
from services.matching.privacy.exceptions import NoticeNotFound
from services.matching.privacy.schemas import SECTION_TITLES, NoticeRead, SeekerExport
from services.matching.seekers import service
from services.matching.seekers.deps import Anyone, CtxDep
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


class ExportFormat(StrEnum):
    JSON = "json"
    HTML = "html"


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
    document = await export_document(request, principal, seeker_id)
    headers = {"Cache-Control": "no-store"}
    if format_ == ExportFormat.HTML:
        page = pages.get_template("export.html").render(
            doc=document.model_dump(mode="json"), titles=SECTION_TITLES
        )
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
    seeker_id: SeekerIdPath,
    notice_id: uuid.UUID,
    ctx: CtxDep,
    principal: Anyone,
    idempotency_key: IdempotencyHeader = None,
) -> NoticeRead:
    seeker = await service.get_for(ctx, principal, seeker_id, for_update=True)
    return NoticeRead.model_validate(await retention.keep(ctx, principal, seeker.id, notice_id))
