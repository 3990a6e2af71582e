"""What every engagement step shares: its snapshot in the feed, and telling the parties."""

from typing import Any

from services.postings.access.exceptions import WrongState
from services.postings.deps import Ctx
from services.postings.engagements.models import Engagement
from services.postings.engagements.schemas import EngagementRead
from services.postings.notifications.service import Kind, Recipient, notify


def snapshot(engagement: Engagement) -> dict[str, Any]:
    return EngagementRead.model_validate(engagement).model_dump(mode="json")


def tell(ctx: Ctx, engagement: Engagement, kind: Kind, *, seeker: bool = True, employer: bool = True) -> None:
    """Notify the parties of an engagement (and the referring station, which follows its referrals)."""
    facts = {"status": engagement.status, "starts_at": engagement.starts_at}
    if seeker:
        notify(ctx, Recipient.SEEKER, engagement.seeker_id, kind, engagement.id, **facts)
        if engagement.station_id is not None:
            notify(ctx, Recipient.STATION, engagement.station_id, kind, engagement.id, **facts)
    if employer:
        notify(ctx, Recipient.EMPLOYER, engagement.employer_id, kind, engagement.id, **facts)


def announce_booking(ctx: Ctx, engagement: Engagement, *, offered: bool) -> None:
    ctx.emit("engagement.booked", engagement.id, snapshot(engagement))
    tell(ctx, engagement, Kind.SLOT_OFFERED if offered else Kind.BOOKING)


def touch(ctx: Ctx, engagement: Engagement) -> None:
    engagement.version += 1
    engagement.updated_at = ctx.clock.now()


def advance(ctx: Ctx, engagement: Engagement, action: str, allowed: tuple[str, ...], status: str) -> None:
    """Move to `status` if the engagement is in one of `allowed` (else 409 with the current status)."""
    if engagement.status not in allowed:
        raise WrongState(action, engagement.status)
    engagement.status = status
    touch(ctx, engagement)


async def changed(ctx: Ctx, engagement: Engagement, event: str) -> Engagement:
    """Flush and put the engagement's new snapshot into the feed."""
    await ctx.session.flush()
    ctx.emit(event, engagement.id, snapshot(engagement))
    return engagement
