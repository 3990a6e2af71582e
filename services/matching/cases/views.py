"""Reading cases: what is overdue, the policy minimums of the current period, the audited full read."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from services.kit.auth import Principal
from services.kit.pagination import BadCursor, PageParams, encode_cursor
from services.matching.cases import scope
from services.matching.cases.calendar import CHINA
from services.matching.cases.deps import Ctx
from services.matching.cases.models import Case, CaseAction, CaseContact, CaseEvent
from services.matching.cases.schemas import (
    ActionRead,
    CaseRead,
    CaseSummary,
    ContactRead,
    EventRead,
    Minimum,
    Minimums,
    SeekerPlan,
)
from services.matching.cases.service import today
from services.matching.seekers.models import SeekerAudit
from services.matching.seekers.schemas import ConsentPurpose

OFFERS = ("job_offer", "referral")


@dataclass(frozen=True, slots=True)
class Filters:
    station: str | None = None
    county: str | None = None
    status: str | None = None
    group: str | None = None
    overdue: bool | None = None


def _fields(model: type[CaseSummary], case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in model.model_fields if hasattr(case, name)}


def overdue(case: Case, day: date) -> list[str]:
    late = []
    if case.status == "pending" and case.certification_due < day:
        late.append("certification")
    if (
        case.status in ("pending", "active")
        and case.next_contact_on is not None
        and case.next_contact_on < day
    ):
        late.append("contact")
    if case.status == "aftercare" and case.aftercare_due is not None and case.aftercare_due < day:
        late.append("aftercare")
    return late


def _overdue_sql(day: date) -> ColumnElement[bool]:
    # Never NULL (NOT of it must hold for the cases that are not overdue): the dates are checked for it.
    return or_(
        and_(Case.status == "pending", Case.certification_due < day),
        and_(
            Case.status.in_(("pending", "active")),
            Case.next_contact_on.is_not(None),
            Case.next_contact_on < day,
        ),
        and_(Case.status == "aftercare", Case.aftercare_due.is_not(None), Case.aftercare_due < day),
    )


def audit(ctx: Ctx, principal: Principal, case: Case, action: str, fields: list[str]) -> None:
    """Every read of a case's group or evidence leaves a row in the seeker's audit log."""
    ctx.session.add(
        SeekerAudit(
            id=uuid.uuid4(),
            seeker_id=case.seeker_id,
            at=ctx.clock.now(),
            action=action,
            actor_role=principal.role.value,
            actor_sub=principal.sub,
            actor_station=principal.station_id,
            fields=fields,
            purpose=ConsentPurpose.SENSITIVE.value,
        )
    )


async def page(
    ctx: Ctx, principal: Principal, filters: Filters, params: PageParams
) -> tuple[list[CaseSummary], str | None]:
    """Newest first, limited to what the principal may see; each case listed is audited (its group)."""
    stmt = select(Case)
    if (limit := scope.condition(principal, Case.county_adcode, Case.station_id)) is not None:
        stmt = stmt.where(limit)
    for column, value in (
        (Case.station_id, filters.station),
        (Case.county_adcode, filters.county),
        (Case.status, filters.status),
        (Case.group, filters.group),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    day = today(ctx)
    if filters.overdue is not None:
        stmt = stmt.where(_overdue_sql(day) if filters.overdue else ~_overdue_sql(day))
    if params.after is not None:
        try:
            at, last = datetime.fromisoformat(params.after[0]), uuid.UUID(params.after[1])
        except ValueError as exc:
            raise BadCursor() from exc
        stmt = stmt.where(or_(Case.opened_at < at, and_(Case.opened_at == at, Case.id < last)))
    stmt = stmt.order_by(Case.opened_at.desc(), Case.id.desc()).limit(params.limit + 1)
    rows = list((await ctx.session.scalars(stmt)).all())
    more, rows = len(rows) > params.limit, rows[: params.limit]
    for case in rows:
        audit(ctx, principal, case, "case_listed", ["group"])
    items = [CaseSummary.model_validate(_fields(CaseSummary, c) | {"overdue": overdue(c, day)}) for c in rows]
    return items, encode_cursor(rows[-1].opened_at, rows[-1].id) if more and rows else None


async def minimums(ctx: Ctx, case: Case, day: date) -> Minimums:
    """The current period's offers, guidance and training leads against the configured minimums."""
    rules = ctx.settings.minimums
    start_day = case.requested_on
    elapsed = max((day - start_day).days, 0)
    period_start = start_day + timedelta(days=elapsed // rules.period_days * rules.period_days)
    period_end = period_start + timedelta(days=rules.period_days - 1)
    counts = dict(
        (
            await ctx.session.execute(
                select(CaseContact.kind, func.count())
                .where(
                    CaseContact.case_id == case.id,
                    CaseContact.at >= _start_of(period_start),
                    CaseContact.at < _start_of(period_end + timedelta(days=1)),
                    CaseContact.outcome != "not_reached",
                )
                .group_by(CaseContact.kind)
            )
        ).all()
    )
    offers = sum(int(counts.get(kind, 0)) for kind in OFFERS)
    parts = {
        "job_offers": Minimum(required=rules.job_offers, done=offers, met=offers >= rules.job_offers),
        "guidance": _minimum(rules.guidance, int(counts.get("guidance", 0))),
        "training_leads": _minimum(rules.training_leads, int(counts.get("training_lead", 0))),
    }
    return Minimums(
        period_start=period_start, period_end=period_end, met=all(m.met for m in parts.values()), **parts
    )


def _minimum(required: int, done: int) -> Minimum:
    return Minimum(required=required, done=done, met=done >= required)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), CHINA).astimezone(UTC)


async def full(ctx: Ctx, principal: Principal, case: Case) -> CaseRead:
    """The whole case for staff: evidence masked, the read audited."""
    audit(ctx, principal, case, "case_read", ["group", "evidence"])
    await ctx.session.flush()  # the sessions do not autoflush: this request's own changes first
    day = today(ctx)
    actions = await _actions(ctx, case.id)
    contacts = (
        await ctx.session.scalars(
            select(CaseContact)
            .where(CaseContact.case_id == case.id)
            .order_by(CaseContact.at, CaseContact.created_at, CaseContact.id)
        )
    ).all()
    events = (
        await ctx.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    ).all()
    return CaseRead.model_validate(
        {
            **_fields(CaseRead, case),
            "overdue": overdue(case, day),
            "minimums": await minimums(ctx, case, day),
            "actions": actions,
            "contacts": [ContactRead.model_validate(c) for c in contacts],
            "events": [EventRead.model_validate(e) for e in events],
        }
    )


async def _actions(ctx: Ctx, case_id: uuid.UUID) -> list[ActionRead]:
    rows = await ctx.session.scalars(
        select(CaseAction).where(CaseAction.case_id == case_id).order_by(CaseAction.due_on, CaseAction.id)
    )
    return [ActionRead.model_validate(a) for a in rows.all()]


async def plan_for_seeker(ctx: Ctx, case: Case) -> SeekerPlan:
    return SeekerPlan(
        id=case.id,
        status=case.status,
        caseworker_name=case.caseworker_name,
        goal=case.goal,
        next_contact_on=case.next_contact_on,
        certification_due=case.certification_due,
        certification_due_estimated=case.certification_due_estimated,
        aftercare_due=case.aftercare_due,
        actions=await _actions(ctx, case.id),
    )
