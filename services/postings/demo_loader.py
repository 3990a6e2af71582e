"""Loads the seeded demo dataset through the importer, once, into an empty postings database."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from services.kit.auth import Principal, Role
from services.kit.clock import SystemClock
from services.kit.db import build_engine, build_sessionmaker, let_other_writers_in
from services.kit.uow import unit_of_work
from services.postings.config import PostingsSettings, get_settings
from services.postings.demo.generator import generate
from services.postings.deps import Ctx
from services.postings.imports.formats import RawRow
from services.postings.imports.runner import run_rows
from services.postings.imports.service import Summary
from services.postings.postings.models import Posting

DEMO_SOURCE = "demo"
BATCH = 20  # rows per commit: a person's write waits at most one batch (about half a second)
LOADER = Principal(sub="lingong-demo", role=Role.SERVICE)


def _everywhere(_: dict[str, Any]) -> bool:
    return True


async def load_demo(
    settings: PostingsSettings | None = None,
    n_postings: int = 3000,
    seed: int = 7,
    *,
    where: Callable[[dict[str, Any]], bool] = _everywhere,
) -> int:
    """How many demo postings were loaded (0 when the database already has postings); `where` keeps
    only some of the generated records (a test's neighbourhood)."""
    settings = settings or get_settings()
    engine = build_engine(settings)
    sessionmaker = build_sessionmaker(engine)
    clock = SystemClock()
    try:
        async with unit_of_work(sessionmaker, writer=False) as session:
            if await session.scalar(select(func.count()).select_from(Posting)):
                return 0
        data = generate(n_postings=n_postings, seed=seed, now=clock.now())
        rows = [
            RawRow(line=i + 1, external_id=r["external_id"], record=r, error=None)
            for i, r in enumerate(r for r in data.postings if where(r))
        ]
        summary = Summary()
        for start in range(0, len(rows), BATCH):
            async with unit_of_work(sessionmaker) as session:
                ctx = Ctx(session=session, clock=clock, settings=settings, notifier=None)
                await run_rows(ctx, LOADER, DEMO_SOURCE, rows[start : start + BATCH], summary)
            await let_other_writers_in(settings)
        return summary.created
    finally:
        await engine.dispose()
