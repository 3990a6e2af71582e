"""Cases follow the feed: a placement moves an open case to after-care (closure reason `employed`);
the end of that work before the after-care check reopens it. Runs inside the outcome's transaction."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.cases import calendar
from services.matching.cases.config import CasesSettings
from services.matching.cases.models import OPEN_STATUSES, Case, CaseContact, CaseEvent
from services.matching.cases.service import add_months
from services.matching.outcomes.hooks import Handler, Signal
from services.matching.outcomes.models import Placement

FEED = "feed"


def handler(settings: CasesSettings) -> Handler:
    async def on_outcomes(session: AsyncSession, signals: Sequence[Signal], now: datetime) -> None:
        for signal in signals:
            if signal.kind == "placed":
                await _placed(session, signal, settings, now)
            elif signal.kind == "work_ended":
                await _work_ended(session, signal, now)
            else:
                await _referred(session, signal, now)

    return on_outcomes


def _event(session: AsyncSession, case: Case, kind: str, now: datetime, note: str) -> None:
    session.add(CaseEvent(case_id=case.id, at=now, kind=kind, by=FEED, note=note))


async def _open_case(session: AsyncSession, seeker_id: str, statuses: tuple[str, ...]) -> Case | None:
    stmt = select(Case).where(Case.seeker_id == seeker_id, Case.status.in_(statuses)).with_for_update()
    return await session.scalar(stmt.execution_options(populate_existing=True))


async def _placed(session: AsyncSession, signal: Signal, settings: CasesSettings, now: datetime) -> None:
    case = await _open_case(session, signal.seeker_id, ("pending", "active"))
    if case is None:
        return
    case.status, case.close_reason = "aftercare", "employed"
    case.placement_id, case.employed_at = signal.placement_id, signal.at
    case.aftercare_due = add_months(calendar.china_date(signal.at), settings.aftercare_months)
    case.version += 1
    case.updated_at = now
    what = "job accepted" if signal.placement_kind == "job" else "paid gig"
    _event(
        session,
        case,
        "employed",
        now,
        f"{what}: posting {signal.posting_id}; after-care check {case.aftercare_due}",
    )


async def _referred(session: AsyncSession, signal: Signal, now: datetime) -> None:
    """A station's referral lands in the case's log by itself (an offer for the minimums)."""
    case = await _open_case(session, signal.seeker_id, OPEN_STATUSES)
    if case is None:
        return
    session.add(
        CaseContact(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"lingong:case-referral:{case.id}:{signal.record_id}"),
            case_id=case.id,
            at=signal.at,
            kind="referral",
            channel="station",
            outcome="pending",
            posting_id=signal.posting_id,
            note="gig booking" if signal.placement_kind == "gig" else "job application",
            by=signal.by or FEED,
            created_at=now,
        )
    )
    case.version += 1
    case.updated_at = now


async def _work_ended(session: AsyncSession, signal: Signal, now: datetime) -> None:
    case = await _open_case(session, signal.seeker_id, ("aftercare",))
    if case is None or case.placement_id != signal.placement_id:
        return
    other = await session.scalar(
        select(Placement)
        .where(Placement.seeker_id == signal.seeker_id, Placement.ended_at.is_(None))
        .order_by(Placement.placed_at.desc())
        .limit(1)
    )
    case.version += 1
    case.updated_at = now
    if other is not None:  # still in other work: follow that one
        case.placement_id = other.id
        _event(session, case, "work_changed", now, f"work ended; still placed on posting {other.posting_id}")
        return
    case.status, case.close_reason, case.placement_id = "active", None, None
    case.employed_at, case.aftercare_due = None, None
    _event(session, case, "reopened", now, "work ended before the after-care check")
