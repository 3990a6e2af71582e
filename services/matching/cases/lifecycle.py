"""At start: cases subscribe to the outcome hooks (placements and work ending, from the feed)."""

import logging

from fastapi import FastAPI

from services.kit.uow import unit_of_work
from services.matching.cases import feed, service
from services.matching.cases.deps import cases_settings
from services.matching.outcomes.hooks import outcome_hooks

log = logging.getLogger("lingong.cases")


async def start(app: FastAPI) -> None:
    settings = cases_settings(app)
    app.state.cases_unsubscribe = outcome_hooks(app).subscribe(feed.handler(settings))
    async with unit_of_work(app.state.sessionmaker) as session:
        changed = await service.refresh_estimated(session, settings)
    if changed:
        log.info("estimated certification deadlines computed again", extra={"cases": changed})


async def stop(app: FastAPI) -> None:
    unsubscribe = getattr(app.state, "cases_unsubscribe", None)
    if callable(unsubscribe):
        unsubscribe()
