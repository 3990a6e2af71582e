"""What the matching routes do, as functions the JSON API and the station console both call."""

import uuid

from fastapi import Request

from services.kit.auth import Principal, Role
from services.matching.impressions import service as impressions
from services.matching.replica.status import source_health
from services.matching.seekers import audit, consents
from services.matching.seekers import service as seekers
from services.matching.seekers.deps import Ctx
from services.matching.seekers.schemas import ConsentPurpose
from services.matching.serving import overrides, present, reads
from services.matching.serving.deps import seeker_read
from services.matching.serving.engine import MatchingEngine
from services.matching.serving.exceptions import PostingNotFound
from services.matching.serving.models import MatchOverride
from services.matching.serving.schemas import Kind, MatchesRead, OverrideCreate


def is_staff(role: Role) -> bool:
    return role in (Role.STAFF, Role.ADMIN)


async def seeker_matches(
    request: Request,
    principal: Principal,
    engine: MatchingEngine,
    seeker_id: str,
    kind: Kind | None,
    top_k: int,
) -> MatchesRead:
    """A seeker's matches, best first, with reasons (staff reads audited; out of reach: not found)."""
    seekers.check_access(principal, seeker_id)
    engine.check(personal=False)
    async with seeker_read(request, principal, seeker_id, "read_matches") as ctx:
        await seekers.check_reach(ctx, principal, seeker_id)
        now = ctx.clock.now()
        query = await engine.seeker_query(ctx.session, seeker_id, now)
        if query is None:
            query = await seekers.query_for_ranking(ctx.session, seeker_id, now)
        live = await overrides.live(ctx.session, seeker_id)
        found, personalised = engine.matches(query, top_k, kind, overrides.for_ranking(live), now)
        stored = await reads.displays(ctx.session, [m.posting_id for m in found])
    by_posting = {str(o.posting_id): o for o in live}
    staff = is_staff(principal.role)
    employers = {pid: _employer(p.snapshot) for pid, p in stored.items()}
    shown = impressions.match_rows(
        found,
        surface="matches" if personalised else "popular",
        viewer_role=principal.role.value,
        viewer_id=principal.sub,
        seeker_id=seeker_id,
        employers=employers,
        now=now,
    )
    impressions.record(request.app, shown)
    return MatchesRead(
        seeker_id=seeker_id,
        personalised=personalised,
        kind=kind,
        notice=present.notice(found),
        items=[present.match_read(m, stored.get(m.posting_id), by_posting, staff) for m in found],
        source_health=source_health(getattr(request.app.state, "replica_consumer", None)),
    )


def _employer(snapshot: dict[str, object]) -> str | None:
    employer = snapshot.get("employer_id")
    return str(employer) if employer is not None else None


async def create_override(
    ctx: Ctx, principal: Principal, seeker_id: str, body: OverrideCreate
) -> MatchOverride:
    """Pin or hide a posting for the seeker, with a reason (staff; audited)."""
    overrides.require_overrider(principal)
    await seekers.get_for(ctx, principal, seeker_id, for_update=True)
    await consents.require(ctx.session, seeker_id, ConsentPurpose.MATCHING)
    if await reads.posting(ctx.session, body.posting_id) is None:
        raise PostingNotFound()
    row = await overrides.create(ctx.session, principal, seeker_id, body, ctx.clock.now())
    audit.record(ctx, principal, seeker_id, "override_matches", ["overrides"], ConsentPurpose.MATCHING.value)
    return row


async def revoke_override(ctx: Ctx, principal: Principal, seeker_id: str, override_id: uuid.UUID) -> None:
    """End an override (staff; audited)."""
    overrides.require_overrider(principal)
    await seekers.get_for(ctx, principal, seeker_id)
    await overrides.revoke(ctx.session, principal, seeker_id, override_id, ctx.clock.now())
    audit.record(ctx, principal, seeker_id, "revoke_override", ["overrides"], ConsentPurpose.MATCHING.value)
