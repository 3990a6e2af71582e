"""Reliability, computed from the records every time and explained: counts plus short reasons.

A change that moves a figure publishes the new record in the feed (`reliability.employer`,
`reliability.worker`), so the matching service can rank with it without reading our tables.
"""

import uuid
from collections import Counter

from sqlalchemy import ColumnElement, func, select

from services.postings.appeals.models import Appeal
from services.postings.deps import Ctx
from services.postings.disputes.models import Dispute
from services.postings.engagements.models import Engagement
from services.postings.ratings.models import Rating
from services.postings.reliability.schemas import EmployerReliability, Reason, WorkerReliability

WORKED = ("completed", "confirmed", "paid", "disputed")


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def _ratings(ctx: Ctx, *where: ColumnElement[bool]) -> tuple[float | None, int]:
    row = (await ctx.session.execute(select(func.avg(Rating.stars), func.count()).where(*where))).one()
    average, count = row
    return (round(float(average), 2) if average is not None else None), int(count)


async def _engagement_counts(
    ctx: Ctx, *where: ColumnElement[bool]
) -> Counter[tuple[str, bool, str | None, bool]]:
    stmt = (
        select(
            Engagement.status,
            Engagement.late_cancel,
            Engagement.worker_mark,
            Engagement.mark_removed_at.is_not(None),
            func.count(),
        )
        .where(*where)
        .group_by(
            Engagement.status,
            Engagement.late_cancel,
            Engagement.worker_mark,
            Engagement.mark_removed_at.is_not(None),
        )
    )
    out: Counter[tuple[str, bool, str | None, bool]] = Counter()
    for status, late, mark, removed, count in await ctx.session.execute(stmt):
        out[(status, bool(late), mark, bool(removed))] += int(count)
    return out


def _sum(counts: Counter[tuple[str, bool, str | None, bool]], **match: object) -> int:
    names = ("status", "late", "mark", "removed")
    total = 0
    for key, n in counts.items():
        row = dict(zip(names, key, strict=True))
        if all((row[k] in v) if isinstance(v, tuple) else row[k] == v for k, v in match.items()):
            total += n
    return total


async def employer_reliability(ctx: Ctx, employer_id: uuid.UUID) -> EmployerReliability:
    await ctx.session.flush()
    counts = await _engagement_counts(ctx, Engagement.employer_id == employer_id)
    disputes = Counter[tuple[str, str, str | None]]()
    stmt = (
        select(Dispute.kind, Dispute.status, Dispute.resolution, func.count())
        .where(Dispute.employer_id == employer_id)
        .group_by(Dispute.kind, Dispute.status, Dispute.resolution)
    )
    for kind, status, resolution, n in await ctx.session.execute(stmt):
        disputes[(kind, status, resolution)] += int(n)
    counted = sum(n for (_, _, res), n in disputes.items() if res != "unfounded")
    open_ = sum(n for (_, status, _), n in disputes.items() if status == "open")
    after_dispute = sum(n for (kind, _, res), n in disputes.items() if kind == "wage" and res == "paid")
    paid = _sum(counts, status="paid")
    unpaid = _sum(counts, status="disputed")
    average, rated = await _ratings(ctx, Rating.employer_id == employer_id, Rating.rater == "worker")
    record = EmployerReliability(
        employer_id=employer_id,
        completed=_sum(counts, status=WORKED),
        paid_on_time=paid - after_dispute,
        paid_after_dispute=after_dispute,
        unpaid_disputed=unpaid,
        awaiting_payment=_sum(counts, status=("completed", "confirmed")),
        paid_on_time_rate=_rate(paid - after_dispute, paid + unpaid),
        disputes=counted,
        disputes_open=open_,
        late_cancellations=_sum(counts, status="cancelled_by_employer", late=True),
        rating_average=average,
        rating_count=rated,
        reasons=[],
        computed_at=ctx.clock.now(),
    )
    record.reasons = _employer_reasons(record, ctx.settings.lifecycle.employer_late_cancel_hours)
    return record


def _employer_reasons(r: EmployerReliability, late_hours: float) -> list[Reason]:
    settled = r.paid_on_time + r.paid_after_dispute + r.unpaid_disputed
    out: list[Reason] = []
    if settled:
        out.append(
            Reason(
                zh=f"{settled}次工资中{r.paid_on_time}次按时支付（经工人确认）",
                en=f"{r.paid_on_time} of {settled} wages confirmed paid on time by the worker",
            )
        )
    if r.disputes:
        out.append(
            Reason(
                zh=f"欠薪争议{r.disputes}起，其中未解决{r.disputes_open}起",
                en=f"{r.disputes} unpaid-wage disputes, {r.disputes_open} still open",
            )
        )
    if r.late_cancellations:
        out.append(
            Reason(
                zh=f"开工前{late_hours:g}小时内取消{r.late_cancellations}次",
                en=f"{r.late_cancellations} cancellations within {late_hours:g} h of the start",
            )
        )
    if not out:
        out.append(Reason(zh="暂无已结算的零工记录", en="No settled gigs yet"))
    return out


async def worker_reliability(ctx: Ctx, seeker_id: str) -> WorkerReliability:
    await ctx.session.flush()
    counts = await _engagement_counts(ctx, Engagement.seeker_id == seeker_id)
    appeals = Counter[str]()
    stmt = select(Appeal.status, func.count()).where(Appeal.seeker_id == seeker_id).group_by(Appeal.status)
    for status, n in await ctx.session.execute(stmt):
        appeals[status] += int(n)
    completed = _sum(counts, status=WORKED)
    no_shows = _sum(counts, status="no_show", mark="no_show", removed=False)
    average, rated = await _ratings(ctx, Rating.seeker_id == seeker_id, Rating.rater == "employer")
    record = WorkerReliability(
        seeker_id=seeker_id,
        completed=completed,
        no_shows=no_shows,
        late_cancellations=_sum(counts, status="cancelled_by_worker", mark="late_cancel", removed=False),
        appeals_upheld=appeals["upheld"],
        appeals_pending=appeals["pending"],
        show_up_rate=_rate(completed, completed + no_shows),
        rating_average=average,
        rating_count=rated,
        reasons=[],
        computed_at=ctx.clock.now(),
    )
    record.reasons = _worker_reasons(record)
    return record


def _worker_reasons(r: WorkerReliability) -> list[Reason]:
    out = [Reason(zh=f"已完成{r.completed}个班次", en=f"{r.completed} shifts completed")]
    if r.no_shows:
        out.append(Reason(zh=f"未到岗{r.no_shows}次", en=f"{r.no_shows} no-shows"))
    if r.late_cancellations:
        out.append(
            Reason(zh=f"临时取消{r.late_cancellations}次", en=f"{r.late_cancellations} late cancellations")
        )
    if r.appeals_upheld:
        out.append(
            Reason(
                zh=f"{r.appeals_upheld}条记录经申诉已撤销",
                en=f"{r.appeals_upheld} marks removed on appeal",
            )
        )
    return out


async def publish_employer(ctx: Ctx, employer_id: uuid.UUID) -> None:
    """Put the employer's current record into the feed."""
    record = await employer_reliability(ctx, employer_id)
    ctx.emit("reliability.employer", employer_id, record.model_dump(mode="json"))


async def publish_worker(ctx: Ctx, seeker_id: str) -> None:
    record = await worker_reliability(ctx, seeker_id)
    ctx.emit("reliability.worker", seeker_id, record.model_dump(mode="json"))
