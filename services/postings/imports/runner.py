"""Runs an import over rows, for the API (one unit of work) and the CLI (a commit per batch)."""

import uuid
from collections.abc import Callable, Iterable

from services.kit.auth import Principal
from services.postings.deps import Ctx
from services.postings.imports.formats import RawRow
from services.postings.imports.models import ImportRun
from services.postings.imports.service import RowResult, Summary, import_row


def start_run(ctx: Ctx, principal: Principal, source: str, filename: str) -> ImportRun:
    run = ImportRun(
        id=uuid.uuid4(),
        source=source,
        filename=filename[:200],
        principal=principal.key,
        started_at=ctx.clock.now(),
        created=0,
        updated=0,
        unchanged=0,
        rejected=0,
    )
    ctx.session.add(run)
    return run


def finish_run(ctx: Ctx, run: ImportRun, summary: Summary) -> None:
    run.created, run.updated = summary.created, summary.updated
    run.unchanged, run.rejected = summary.unchanged, summary.rejected
    run.finished_at = ctx.clock.now()


async def run_rows(
    ctx: Ctx,
    principal: Principal,
    source: str,
    rows: Iterable[RawRow],
    summary: Summary,
    on_row: Callable[[RowResult], None] | None = None,
    *,
    row_source_wins: bool = False,
) -> list[RowResult]:
    results = []
    for raw in rows:
        result = await import_row(ctx, principal, source, raw, row_source_wins=row_source_wins)
        summary.add(result)
        results.append(result)
        if on_row is not None:
            on_row(result)
    return results
