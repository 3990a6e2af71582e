"""What serving routes depend on: the engine, the settings, who may call, reads that leave an audit row."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request

from services.kit.auth import Principal, Role, require_roles
from services.kit.db import reads_alone
from services.kit.uow import get_session
from services.matching.seekers import audit
from services.matching.seekers.deps import Ctx, audited_read, get_ctx
from services.matching.seekers.schemas import ConsentPurpose
from services.matching.serving.config import FairnessSettings
from services.matching.serving.engine import MatchingEngine
from services.matching.serving.exceptions import MatchingNotReady

NOT_READY_RETRY = 5


def get_engine(request: Request) -> MatchingEngine:
    engine = getattr(request.app.state, "matching_engine", None)
    if not isinstance(engine, MatchingEngine):
        raise MatchingNotReady(NOT_READY_RETRY)
    return engine


async def engine_dependency(request: Request) -> MatchingEngine:
    """`get_engine` as a dependency (async: a sync one would cost each request a worker-thread hop)."""
    return get_engine(request)


async def get_fairness(request: Request) -> FairnessSettings:
    settings: FairnessSettings = request.app.state.fairness_settings
    return settings


@asynccontextmanager
async def seeker_read(
    request: Request, principal: Principal, seeker_id: str, action: str
) -> AsyncIterator[Ctx]:
    """The seeker's own read runs in the route's session; anyone else's leaves an audit row, committed
    (with the read) before the data leaves, as the seekers part does for sensitive reads."""
    if audit.is_self(principal, seeker_id):
        session = get_session(request)
        await reads_alone(session)
        yield get_ctx(request, session)
        return
    async with audited_read(request) as ctx:
        yield ctx
        audit.record(ctx, principal, seeker_id, action, ["matches"], ConsentPurpose.MATCHING.value)


EngineDep = Annotated[MatchingEngine, Depends(engine_dependency)]
FairnessDep = Annotated[FairnessSettings, Depends(get_fairness)]
SeekerSide = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.STAFF, Role.ADMIN))]
StaffOnly = Annotated[Principal, Depends(require_roles(Role.STAFF))]
CandidateReader = Annotated[Principal, Depends(require_roles(Role.EMPLOYER, Role.STAFF, Role.ADMIN))]
Operator = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN, Role.SERVICE))]
