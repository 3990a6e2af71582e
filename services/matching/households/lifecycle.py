"""At start: households follow the outcome hooks, and the alerter raises alerts for long zero spells."""

from fastapi import FastAPI

from services.kit.tracing import tracer_of
from services.matching.cases.deps import cases_settings
from services.matching.households import status
from services.matching.households.alerts import ZeroAlerter
from services.matching.outcomes.hooks import outcome_hooks


async def start(app: FastAPI) -> None:
    settings = cases_settings(app)
    app.state.households_unsubscribe = outcome_hooks(app).subscribe(status.handler(settings))
    alerter = app.state.households_alerter = ZeroAlerter(app.state.sessionmaker, app.state.clock, settings)
    alerter.tracer = tracer_of(app)
    if app.state.background:
        alerter.start(settings.alert_every_seconds)


async def stop(app: FastAPI) -> None:
    alerter: ZeroAlerter | None = getattr(app.state, "households_alerter", None)
    if alerter is not None:
        await alerter.stop()
    unsubscribe = getattr(app.state, "households_unsubscribe", None)
    if callable(unsubscribe):
        unsubscribe()
