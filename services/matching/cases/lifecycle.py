"""At start: cases subscribe to the outcome hooks (placements and work ending, from the feed)."""

from fastapi import FastAPI

from services.matching.cases import feed
from services.matching.cases.deps import cases_settings
from services.matching.outcomes.hooks import outcome_hooks


async def start(app: FastAPI) -> None:
    app.state.cases_unsubscribe = outcome_hooks(app).subscribe(feed.handler(cases_settings(app)))


async def stop(app: FastAPI) -> None:
    unsubscribe = getattr(app.state, "cases_unsubscribe", None)
    if callable(unsubscribe):
        unsubscribe()
