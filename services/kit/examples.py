"""OpenAPI examples whose dates are built relative to the day the document is generated.

A documented example is meant to be sent as it is; a fixed date in it expires. Examples with dates are
declared with `dated_examples(build)`, and `keep_examples_current(app)` regenerates the app's OpenAPI
document (FastAPI caches it in `app.openapi_schema`) when the service's day changes.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from fastapi import FastAPI

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # the service's local day; no DST since 1991

_day: ContextVar[date | None] = ContextVar("example_day", default=None)

Example = dict[str, Any]


def example_day() -> date:
    """The day examples are built for: the document's day while it is generated, else today."""
    return _day.get() or datetime.now(CHINA).date()


def local_time(days: int, hour: int, minute: int = 0, second: int = 0) -> str:
    """ISO 8601 with +08:00 for `days` after the example day at the given local time."""
    when = datetime.combine(example_day() + timedelta(days=days), time(hour, minute, second), CHINA)
    return when.isoformat()


def local_date(days: int) -> str:
    """ISO 8601 date `days` after the example day."""
    return (example_day() + timedelta(days=days)).isoformat()


def dated_examples(build: Callable[[], list[Example]]) -> Callable[[dict[str, Any]], None]:
    """A `json_schema_extra` that builds the examples each time the schema is generated."""

    def extra(schema: dict[str, Any]) -> None:
        schema["examples"] = build()

    return extra


@contextmanager
def examples_for(day: date) -> Iterator[None]:
    """Build examples for this day inside the block."""
    token = _day.set(day)
    try:
        yield
    finally:
        _day.reset(token)


def keep_examples_current(app: FastAPI) -> None:
    """Regenerate the app's cached OpenAPI document when the day of its clock has changed."""
    generate = app.openapi
    generated_for: list[date] = []

    def openapi() -> dict[str, Any]:
        day = app.state.clock.now().astimezone(CHINA).date()
        if generated_for != [day]:
            app.openapi_schema = None
            generated_for[:] = [day]
        with examples_for(day):
            return generate()

    app.openapi = openapi  # type: ignore[method-assign]
