"""Who reads a worker's record (`GET /v1/workers/{sub}/reliability`): the worker themself; staff who
reach the worker (the matching service says so, `access/reach.py`); an employer the worker applied to
or was engaged by, deciding on them; admins and the matching service. Anyone else is told the worker
does not exist (404), as if there were no record."""

from sqlalchemy import exists, or_, select

from services.kit.auth import Principal, Role
from services.postings.access import reach, scope
from services.postings.access.exceptions import SeekerNotFound
from services.postings.applications.models import Application
from services.postings.deps import Ctx
from services.postings.engagements.models import Engagement
from services.postings.reliability.exceptions import WorkerNotFound


async def _worked_for(ctx: Ctx, principal: Principal, sub: str) -> bool:
    """Whether the worker applied to, or was engaged on, a posting of an employer the principal owns."""
    mine = scope.owned_employers(principal)
    applied = exists().where(Application.seeker_id == sub, Application.employer_id.in_(mine))
    engaged = exists().where(Engagement.seeker_id == sub, Engagement.employer_id.in_(mine))
    return bool(await ctx.session.scalar(select(or_(applied, engaged))))


async def check(ctx: Ctx, principal: Principal, sub: str) -> None:
    """Let the principal read the worker's record, or raise `WorkerNotFound`."""
    if principal.role in scope.ALL_SEEING:
        return
    if principal.role == Role.SEEKER and principal.sub == sub:
        return
    if principal.role == Role.EMPLOYER and await _worked_for(ctx, principal, sub):
        return
    if principal.role == Role.STAFF:
        try:
            await reach.require(ctx.reach, principal, sub, ctx.clock.now())
        except SeekerNotFound as exc:
            raise WorkerNotFound() from exc
        return
    raise WorkerNotFound()
