"""What a postings route hands to the domain services: one unit of work and its surroundings."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import Clock
from services.kit.uow import SessionDep
from services.postings.access.reach import SeekerReach
from services.postings.config import PostingsSettings
from services.postings.feed import service as feed
from services.postings.feed.service import FeedNotifier


@dataclass(slots=True)
class Ctx:
    session: AsyncSession
    clock: Clock
    settings: PostingsSettings
    notifier: FeedNotifier | None = None
    reach: SeekerReach | None = None  # None: staff may act for nobody (a job or script context)

    def emit(self, type_: str, aggregate_id: object, data: dict[str, Any]) -> None:
        feed.record(self.session, self.clock, self.notifier, type_, aggregate_id, data)


async def get_ctx(request: Request, session: SessionDep) -> Ctx:
    """Async: a plain `def` dependency would cost every request a trip through the threadpool."""
    state = request.app.state
    return Ctx(
        session=session,
        clock=state.clock,
        settings=state.settings,
        notifier=state.feed_notifier,
        reach=getattr(state, "seeker_reach", None),
    )


CtxDep = Annotated[Ctx, Depends(get_ctx)]
