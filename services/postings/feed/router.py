import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.kit.auth import Principal, Role, require_roles
from services.kit.problems import Forbidden, problem_responses
from services.kit.routing import UnitOfWorkRoute
from services.kit.schemas import MAX_BIGINT
from services.kit.standby import eventual
from services.kit.uow import SessionDep
from services.postings.feed import service
from services.postings.feed.schemas import FeedEvent, FeedPage
from services.postings.feed.service import FeedNotifier

router = APIRouter(prefix="/v1/feed", tags=["feed"], route_class=UnitOfWorkRoute)

Reader = Annotated[Principal, Depends(require_roles(Role.SERVICE, Role.ADMIN))]
POLL_SECONDS = 0.5  # another process's commits are seen within this, this process's at once


@router.get(
    "",
    response_model=FeedPage,
    summary="Every change after a sequence number, in order (long-poll with wait)",
    openapi_extra=eventual(),
    responses=problem_responses(Forbidden),
)
async def read_feed(
    request: Request,
    session: SessionDep,
    principal: Reader,
    after: Annotated[int, Query(ge=0, le=MAX_BIGINT, description="Last seq you have applied")] = 0,
    limit: Annotated[int, Query(ge=1, le=10000, description="Events per page (capped by settings)")] = 500,
    wait: Annotated[
        float, Query(ge=0, le=120, description="Seconds to wait for news when there is none")
    ] = 0,
) -> FeedPage:
    settings = request.app.state.settings
    notifier: FeedNotifier = request.app.state.feed_notifier
    limit = min(limit, settings.feed_page_max)
    deadline = time.monotonic() + min(wait, settings.feed_max_wait_seconds)
    while True:
        generation = notifier.generation
        rows = await service.read_after(session, after, limit)
        remaining = deadline - time.monotonic()
        if rows or remaining <= 0 or notifier.closed:
            break
        await session.rollback()  # end the read snapshot and give the connection back while waiting
        await notifier.wait(generation, min(remaining, POLL_SECONDS))
        if await request.is_disconnected():  # the reader has gone (stopped): a server stopping waits for us
            break
    events = [FeedEvent.model_validate(r, from_attributes=True) for r in rows]
    return FeedPage(events=events, next=events[-1].seq if events else after)
