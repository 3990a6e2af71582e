from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.kit.auth import Principal, Role, require_roles
from services.kit.etag import IdempotencyHeader
from services.kit.problems import Forbidden, InvalidInput, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.postings.deps import CtxDep
from services.postings.imports import formats
from services.postings.imports.runner import finish_run, run_rows, start_run
from services.postings.imports.schemas import ImportReport, ImportSummary
from services.postings.imports.service import Summary

router = APIRouter(prefix="/v1/imports", tags=["imports"], route_class=UnitOfWorkRoute)

Steward = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN, Role.SERVICE))]


class EmptyImport(InvalidInput):
    code, title, title_zh = "empty_import", "The file has no rows", "文件中没有数据行"


@router.post(
    "",
    response_model=ImportReport,
    summary="Import postings from CSV or JSON lines (upsert on source + external_id)",
    responses=problem_responses(Forbidden, EmptyImport),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_postings(
    request: Request,
    ctx: CtxDep,
    principal: Steward,
    source: Annotated[
        str, Query(pattern=r"^[a-z0-9][a-z0-9_.-]{0,49}$", description="Where the rows come from")
    ],
    filename: Annotated[
        str, Query(max_length=200, pattern=r"^[^/\\]+\.(csv|jsonl|ndjson)(\.gz)?$")
    ] = "upload.jsonl",
    idempotency_key: IdempotencyHeader = None,
) -> ImportReport:
    data = await request.body()
    if not data.strip():
        raise EmptyImport()
    run = start_run(ctx, principal, source, filename)
    summary = Summary()
    results = await run_rows(ctx, principal, source, formats.read_rows_from_bytes(data, filename), summary)
    if not results:
        raise EmptyImport()
    finish_run(ctx, run, summary)
    return ImportReport(
        id=run.id,
        source=source,
        format=formats.sniff_format(data, filename),
        summary=ImportSummary(**vars_of(summary)),
        rows=[r.as_dict() for r in results],
    )


def vars_of(summary: Summary) -> dict[str, object]:
    return {
        k: getattr(summary, k) for k in ("created", "updated", "unchanged", "rejected", "rejected_by_code")
    }
