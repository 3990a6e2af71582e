"""In-transaction hooks on outcomes: other parts react to a placement or the end of work.

A handler runs inside the transaction that records the signal (the replica's batch with its cursor,
the gig-lapse sweep, or a staff request), so its changes commit with it, exactly once, or not at all.
A handler that raises fails that transaction: the consumer backs off and tries the batch again, so a
case or household is never left behind the feed silently.
"""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.outcomes.config import OutcomeSettings, get_outcome_settings

SignalKind = Literal["placed", "work_ended", "referred"]


@dataclass(frozen=True, slots=True)
class Signal:
    """`placed`: a seeker started work (job accepted, gig paid); `work_ended`: that placement ended;
    `referred`: staff applied or booked for the seeker (an application or booking made by a station).

    `record_id` is the application's or engagement's id; `placement_id` is set for placed / work_ended."""

    kind: SignalKind
    seeker_id: str
    record_id: uuid.UUID
    placement_id: uuid.UUID | None
    placement_kind: Literal["job", "gig"]
    posting_id: uuid.UUID
    county_adcode: str
    station_id: str | None
    at: datetime
    by: str | None = None  # the referring staff member (referred)


Handler = Callable[[AsyncSession, Sequence[Signal], datetime], Awaitable[None]]


class OutcomeHooks:
    """The handlers of one app, and the outcome settings the folding reads."""

    def __init__(self, settings: OutcomeSettings | None = None) -> None:
        self.settings = settings or get_outcome_settings()
        self._handlers: list[Handler] = []
        # An erased seeker's pseudonym (set by the privacy part): the folding checks each event with it.
        self.pseudonym: Callable[[str], str] | None = None

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        """Add a handler; returns the function that removes it."""
        self._handlers.append(handler)

        def unsubscribe() -> None:
            if handler in self._handlers:
                self._handlers.remove(handler)

        return unsubscribe

    async def run(self, session: AsyncSession, signals: Sequence[Signal], now: datetime) -> None:
        if not signals:
            return
        for handler in list(self._handlers):
            await handler(session, signals, now)


def outcome_hooks(app: FastAPI) -> OutcomeHooks:
    """The app's hooks, made on first use (a part may subscribe before the replica starts)."""
    existing = getattr(app.state, "outcome_hooks", None)
    if isinstance(existing, OutcomeHooks):
        return existing
    settings = getattr(app.state, "outcome_settings", None)
    hooks = OutcomeHooks(settings if isinstance(settings, OutcomeSettings) else None)
    app.state.outcome_hooks = hooks
    return hooks
