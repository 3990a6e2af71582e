"""`lingong import FILE`: batches of rows, a commit per batch, a progress bar and a report file."""

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from services.kit.auth import Principal, Role
from services.kit.clock import SystemClock
from services.kit.db import build_engine, build_sessionmaker
from services.kit.uow import unit_of_work
from services.postings.config import get_settings
from services.postings.deps import Ctx
from services.postings.imports import formats
from services.postings.imports.runner import finish_run, run_rows, start_run
from services.postings.imports.service import RowResult, Summary

DEFAULT_SOURCES = {
    "real_postings_csv": "shared-postings",
    "lingong_jsonl": "lingong",
    "lingong_csv": "lingong",
}
IMPORTER = Principal(sub="lingong-import", role=Role.SERVICE)


def _batches(rows: Iterator[formats.RawRow], size: int) -> Iterator[list[formats.RawRow]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


async def run_import(
    file: Path, source: str | None, report_path: Path, batch: int, progress: bool
) -> dict[str, Any]:
    settings = get_settings()
    fmt = formats.sniff_format(file)
    row_source_wins = source is None
    source = source or DEFAULT_SOURCES.get(fmt, "import")
    engine = build_engine(settings)
    sessionmaker = build_sessionmaker(engine)
    summary = Summary()
    total = formats.count_rows(file) if progress else None
    bar = tqdm(total=total, unit="row", disable=not progress, desc=file.name)
    try:
        with report_path.open("w", encoding="utf-8") as report:

            def on_row(result: RowResult) -> None:
                report.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
                bar.update(1)

            async with unit_of_work(sessionmaker) as session:
                run = start_run(_ctx(session, settings), IMPORTER, source, file.name)
            for rows in _batches(formats.read_rows(file), batch):
                async with unit_of_work(sessionmaker) as session:
                    await run_rows(
                        _ctx(session, settings),
                        IMPORTER,
                        source,
                        rows,
                        summary,
                        on_row,
                        row_source_wins=row_source_wins,
                    )
            async with unit_of_work(sessionmaker) as session:
                run = await session.merge(run)
                finish_run(_ctx(session, settings), run, summary)
    finally:
        bar.close()
        await engine.dispose()
    return {
        "file": str(file),
        "format": fmt,
        "source": source,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": summary.rejected,
        "rejected_by_code": summary.rejected_by_code,
    }


def _ctx(session: Any, settings: Any) -> Ctx:
    return Ctx(session=session, clock=SystemClock(), settings=settings, notifier=None)
