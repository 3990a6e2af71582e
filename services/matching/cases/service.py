"""Opening, certifying, planning, logging and closing cases (帮扶台账). Services flush, never commit."""

import uuid
from datetime import UTC, date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal, Role
from services.matching.cases import calendar, scope
from services.matching.cases.config import CasesSettings
from services.matching.cases.deps import Ctx
from services.matching.cases.exceptions import (
    AlreadyCertified,
    CalendarNotPublished,
    CaseClosed,
    CaseExists,
    CaseNotFound,
    DatesOutOfOrder,
    DeclineReasonMismatch,
    DeclinesNotRecorded,
    EmployedFromFeedOnly,
    UnknownCloseReason,
    UnknownGroup,
)
from services.matching.cases.models import OPEN_STATUSES, Case, CaseAction, CaseContact, CaseEvent
from services.matching.cases.schemas import (
    CLOSE_REASONS,
    ActionCreate,
    CaseClose,
    CaseCreate,
    ContactCreate,
    ContactOutcome,
    PlanUpdate,
)
from services.matching.seekers import consents
from services.matching.seekers import service as seekers
from services.matching.seekers.deps import Ctx as SeekerCtx
from services.matching.seekers.exceptions import SeekerNotFound
from services.matching.seekers.schemas import ConsentPurpose

EVIDENCE_FIELD = "case_evidence_number"


def mask(number: str) -> str:
    """Keep the first two and last two characters: 37****************43."""
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def seeker_ctx(ctx: Ctx) -> SeekerCtx:
    return SeekerCtx(session=ctx.session, clock=ctx.clock, cipher=ctx.cipher)


def today(ctx: Ctx) -> date:
    return calendar.china_date(ctx.clock.now())


def event(ctx: Ctx, case: Case, kind: str, by: str, note: str | None = None) -> None:
    ctx.session.add(CaseEvent(case_id=case.id, at=ctx.clock.now(), kind=kind, by=by, note=note))


def touch(ctx: Ctx, case: Case) -> None:
    case.version += 1
    case.updated_at = ctx.clock.now()


def certification_due(settings: CasesSettings, requested: date) -> tuple[date, calendar.Basis]:
    """The certification deadline and its basis; 409 when no schedule covers it and the fallback is
    `refuse`."""
    try:
        return calendar.add_working_days(
            requested, settings.certification_working_days, settings.calendar.schedule()
        )
    except calendar.CalendarNotPublished as exc:
        raise CalendarNotPublished(year=exc.year) from exc


async def refresh_estimated(session: AsyncSession, settings: CasesSettings) -> int:
    """Deadlines estimated on weekdays are computed again now that the schedule may know their year
    (an upgraded chinesecalendar, a year entered in settings); returns how many changed basis."""
    rows = await session.scalars(
        select(Case).where(Case.status == "pending", Case.certification_basis == calendar.ESTIMATED)
    )
    changed = 0
    for case in rows.all():
        try:
            due, basis = certification_due(settings, case.requested_on)
        except CalendarNotPublished:
            continue
        if basis != calendar.ESTIMATED:
            case.certification_due, case.certification_basis = due, basis
            changed += 1
    return changed


async def open_case(ctx: Ctx, principal: Principal, body: CaseCreate) -> Case:
    seeker = await seekers.get_for(seeker_ctx(ctx), principal, body.seeker_id)
    station = body.station_id if principal.role == Role.ADMIN else principal.station_id
    if not scope.may_see(principal, seeker.county_adcode, station):
        raise SeekerNotFound()  # another county's seeker is not shown to exist
    if body.group not in ctx.settings.groups:
        raise UnknownGroup(
            f"group must be one of {', '.join(ctx.settings.groups)}", groups=list(ctx.settings.groups)
        )
    await consents.require(ctx.session, seeker.id, ConsentPurpose.SENSITIVE)
    now, current = ctx.clock.now(), today(ctx)
    requested = body.requested_on or current
    if requested > current or (body.next_contact_on is not None and body.next_contact_on < current):
        raise DatesOutOfOrder("requested_on cannot be in the future, nor next_contact_on in the past")
    due, basis = certification_due(ctx.settings, requested)
    case = Case(
        id=uuid.uuid4(),
        seeker_id=seeker.id,
        county_adcode=seeker.county_adcode,
        station_id=station,
        group=body.group,
        evidence_type=body.evidence.type,
        evidence_number_cipher=ctx.cipher.encrypt(
            body.evidence.number, field=EVIDENCE_FIELD, seeker_id=seeker.id
        ),
        evidence_number_masked=mask(body.evidence.number),
        status="pending",
        requested_on=requested,
        certification_due=due,
        certification_basis=basis,
        caseworker_sub=body.caseworker_sub,
        caseworker_name=body.caseworker_name,
        goal=body.goal,
        next_contact_on=body.next_contact_on,
        opened_by=principal.sub,
        opened_at=now,
        updated_at=now,
        version=1,
    )
    ctx.session.add(case)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:
        raise CaseExists() from exc
    event(ctx, case, "opened", principal.sub)
    return case


async def get_for(ctx: Ctx, principal: Principal, case_id: uuid.UUID, *, for_update: bool = False) -> Case:
    stmt = select(Case).where(Case.id == case_id)
    if for_update:
        stmt = stmt.with_for_update()
    case = await ctx.session.scalar(stmt.execution_options(populate_existing=True))
    if case is None or not scope.may_see(principal, case.county_adcode, case.station_id):
        raise CaseNotFound()
    return case


async def latest_case_of(ctx: Ctx, seeker_id: str) -> Case | None:
    stmt = select(Case).where(Case.seeker_id == seeker_id).order_by(Case.opened_at.desc()).limit(1)
    return await ctx.session.scalar(stmt)


def _writable(case: Case) -> None:
    if case.status == "closed":
        raise CaseClosed()


async def certify(ctx: Ctx, principal: Principal, case: Case) -> Case:
    _writable(case)
    if case.status != "pending":
        raise AlreadyCertified()
    case.status, case.certified_at, case.certified_by = "active", ctx.clock.now(), principal.sub
    touch(ctx, case)
    event(ctx, case, "certified", principal.sub)
    return case


async def update_plan(ctx: Ctx, principal: Principal, case: Case, body: PlanUpdate) -> Case:
    _writable(case)
    if body.next_contact_on is not None and body.next_contact_on < today(ctx):
        raise DatesOutOfOrder("next_contact_on cannot be in the past")
    changed = body.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changed.items():
        setattr(case, name, value)
    touch(ctx, case)
    event(ctx, case, "plan_changed", principal.sub, ", ".join(sorted(changed)) or None)
    return case


async def add_action(ctx: Ctx, principal: Principal, case: Case, body: ActionCreate) -> CaseAction:
    _writable(case)
    if body.due_on < case.requested_on:
        raise DatesOutOfOrder("an action cannot be due before the case was opened")
    action = CaseAction(
        id=uuid.uuid4(),
        case_id=case.id,
        kind=body.kind.value,
        due_on=body.due_on,
        note=body.note,
        created_by=principal.sub,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(action)
    touch(ctx, case)
    await ctx.session.flush()
    return action


async def add_contact(ctx: Ctx, principal: Principal, case: Case, body: ContactCreate) -> CaseContact:
    _writable(case)
    now = ctx.clock.now()
    at = body.at or now
    if at > now + timedelta(minutes=5) or calendar.china_date(at) < case.requested_on:
        raise DatesOutOfOrder("a contact is logged after it happened, and not before the case was opened")
    if body.next_contact_on is not None and body.next_contact_on < calendar.china_date(at):
        raise DatesOutOfOrder("next_contact_on cannot be before the contact")
    if (body.outcome == ContactOutcome.DECLINED) != (body.decline_reason is not None):
        raise DeclineReasonMismatch()
    contact = CaseContact(
        id=uuid.uuid4(),
        case_id=case.id,
        at=at.astimezone(UTC),
        kind=body.kind.value,
        channel=body.channel.value,
        outcome=body.outcome.value,
        decline_reason=body.decline_reason,
        posting_id=body.posting_id,
        note=body.note,
        by=principal.sub,
        created_at=now,
    )
    ctx.session.add(contact)
    if body.next_contact_on is not None:
        case.next_contact_on = body.next_contact_on
    touch(ctx, case)
    await ctx.session.flush()
    return contact


async def _declines(ctx: Ctx, case: Case) -> int:
    since = ctx.clock.now() - timedelta(days=round(30.44 * ctx.settings.declines_months))
    stmt = select(func.count()).where(
        CaseContact.case_id == case.id, CaseContact.outcome == "declined", CaseContact.at >= since
    )
    return int(await ctx.session.scalar(stmt) or 0)


async def close(ctx: Ctx, principal: Principal, case: Case, body: CaseClose) -> Case:
    if body.reason not in CLOSE_REASONS:
        raise UnknownCloseReason(
            f"reason must be one of {', '.join(CLOSE_REASONS)}", reasons=list(CLOSE_REASONS)
        )
    _writable(case)
    if body.reason == "employed" and (
        case.status != "aftercare" or case.aftercare_due is None or case.aftercare_due > today(ctx)
    ):
        raise EmployedFromFeedOnly()
    if body.reason == "declined_services" and await _declines(ctx, case) < ctx.settings.declines_to_close:
        raise DeclinesNotRecorded(needed=ctx.settings.declines_to_close, months=ctx.settings.declines_months)
    case.status, case.close_reason, case.close_note = "closed", body.reason, body.note
    case.closed_at, case.closed_by = ctx.clock.now(), principal.sub
    touch(ctx, case)
    event(ctx, case, "closed", principal.sub, f"{body.reason}: {body.note}"[:500])
    return case


def is_open(case: Case) -> bool:
    return case.status in OPEN_STATUSES


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
