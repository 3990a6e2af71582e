"""Ratings both ways once the work is done: 1-5 stars and an optional short comment, once per party."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.kit.auth import Principal, Role
from services.postings import shard
from services.postings.access.exceptions import NotYourAction
from services.postings.deps import Ctx
from services.postings.engagements.models import Engagement
from services.postings.ratings.exceptions import AlreadyRated, NotRateable
from services.postings.ratings.models import Rating
from services.postings.ratings.schemas import RatingCreate, RatingRead
from services.postings.reliability import service as reliability

RATEABLE = ("completed", "confirmed", "paid", "disputed")
RATER = {Role.SEEKER: "worker", Role.EMPLOYER: "employer"}


async def rate(ctx: Ctx, principal: Principal, engagement: Engagement, body: RatingCreate) -> Rating:
    rater = RATER.get(principal.role)
    if rater is None:
        raise NotYourAction("only the worker and the employer rate each other")
    if engagement.status not in RATEABLE:
        raise NotRateable(current_status=engagement.status)
    taken = select(Rating.id).where(
        *shard.within(Rating, engagement.county_adcode, engagement_id=engagement.id), Rating.rater == rater
    )
    if await ctx.session.scalar(taken) is not None:
        raise AlreadyRated()
    rating = Rating(
        id=shard.new_id(engagement.county_adcode),
        engagement_id=engagement.id,
        engagement_starts_at=engagement.starts_at,
        rater=rater,
        county_adcode=engagement.county_adcode,
        employer_id=engagement.employer_id,
        seeker_id=engagement.seeker_id,
        stars=body.stars,
        comment=body.comment,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(rating)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:
        raise AlreadyRated() from exc
    ctx.emit("rating.created", rating.id, RatingRead.model_validate(rating).model_dump(mode="json"))
    if rater == "worker":
        await reliability.publish_employer(ctx, engagement.employer_id)
    else:
        await reliability.publish_worker(ctx, engagement.seeker_id)
    return rating


async def for_engagement(ctx: Ctx, engagement: Engagement) -> Sequence[Rating]:
    rows = await ctx.session.scalars(
        select(Rating)
        .where(*shard.within(Rating, engagement.county_adcode, engagement_id=engagement.id))
        .order_by(Rating.created_at)
    )
    return rows.all()
