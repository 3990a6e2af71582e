"""Taking and giving back slots: the only code that changes `shifts.filled`. No double booking, ever.

- The last slot goes to exactly one worker: a slot is taken with one conditional UPDATE
  (`filled < headcount AND status = 'open'`) whose row count says whether it was won. On PostgreSQL a
  concurrent booking waits on the row lock and re-checks the condition against the committed row; on
  SQLite writers are serial (every writing request begins with BEGIN IMMEDIATE).
- One worker holds no two overlapping shifts: a worker's bookings are serialised by a transaction
  advisory lock on the worker (PostgreSQL), taken before the overlap check and held to commit, so the
  second booking's check sees the first one committed.
- Lock order: engagement row → pending request row → worker lock → posting (share) → shift. A step
  that frees a slot only *tries* the posting, request and worker locks (SKIP LOCKED, try-lock) before
  offering the slot to the next in line, so it never waits on a booking and cannot deadlock with one.
- `CHECK (0 <= filled <= headcount)` and a partial unique index on active seats are the backstops.
"""

import hashlib
import uuid
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from services.kit.clock import as_utc
from services.kit.db import is_postgres
from services.postings import shard
from services.postings.applications.models import Application
from services.postings.deps import Ctx
from services.postings.engagements.exceptions import (
    AlreadyBooked,
    OverlappingBooking,
    PostingNotOpen,
    ShiftFull,
    ShiftNotOpen,
    ShiftStarted,
)
from services.postings.engagements.models import ACTIVE, Engagement
from services.postings.postings.models import Posting
from services.postings.shifts import service as shifts
from services.postings.shifts.exceptions import ShiftNotFound
from services.postings.shifts.models import Shift

WORKER_LOCK_SPACE = 0x6C67  # two-key advisory locks (space, worker): apart from one-key locks
CENT = Decimal("0.01")
MONTH_HOURS = Decimal("174")  # 21.75 legal working days of 8 hours


def _worker_key(seeker_id: str) -> int:
    return int.from_bytes(hashlib.sha256(seeker_id.encode()).digest()[:4], "big", signed=True)


async def lock_worker(ctx: Ctx, seeker_id: str, *, wait: bool = True) -> bool:
    """Serialise this worker's bookings until commit (PostgreSQL; SQLite writers are serial anyway)."""
    if not is_postgres(ctx.session):
        return True
    fn = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    got = await ctx.session.scalar(
        text(f"SELECT {fn}(:space, :key)"), {"space": WORKER_LOCK_SPACE, "key": _worker_key(seeker_id)}
    )
    return wait or bool(got)


async def load_seat(ctx: Ctx, shift_id: uuid.UUID) -> tuple[Shift, Posting]:
    """The shift and its posting; the posting share-locked so it cannot close under a booking."""
    stmt = (
        select(Shift, Posting)
        .join(Posting, (Posting.id == Shift.posting_id) & (Posting.county_adcode == Shift.county_adcode))
        .where(*shard.on(Shift.id, shift_id))
        .with_for_update(read=True, of=Posting)
    )
    row = (await ctx.session.execute(stmt)).first()
    if row is None:
        raise ShiftNotFound()
    return row[0], row[1]


def check_bookable(ctx: Ctx, shift: Shift, posting: Posting) -> None:
    if posting.status != "open":
        raise PostingNotOpen(current_status=posting.status)
    if shift.status != "open":
        raise ShiftNotOpen(current_status=shift.status)
    if as_utc(shift.starts_at) <= ctx.clock.now():
        raise ShiftStarted()


async def overlapping(ctx: Ctx, seeker_id: str, shift: Shift) -> Engagement | None:
    """The worker's active engagement overlapping this shift's window, if any."""
    stmt = (
        select(Engagement)
        .where(
            Engagement.seeker_id == seeker_id,
            Engagement.status.in_(ACTIVE),
            Engagement.starts_at < shift.ends_at,
            Engagement.ends_at > shift.starts_at,
        )
        .limit(1)
    )
    return (await ctx.session.scalars(stmt)).first()


async def check_free(ctx: Ctx, seeker_id: str, shift: Shift) -> None:
    clash = await overlapping(ctx, seeker_id, shift)
    if clash is None:
        return
    if clash.shift_id == shift.id:
        raise AlreadyBooked(engagement_id=str(clash.id))
    raise OverlappingBooking(engagement_id=str(clash.id))


async def _move_filled(ctx: Ctx, shift: Shift, delta: int) -> bool:
    guard = (Shift.filled < Shift.headcount) & (Shift.status == "open") if delta > 0 else Shift.filled > 0
    stmt = (
        update(Shift)
        .where(*shard.within(Shift, shift.county_adcode, id=shift.id), guard)
        .values(filled=Shift.filled + delta, version=Shift.version + 1, updated_at=ctx.clock.now())
        .returning(Shift.filled, Shift.version, Shift.updated_at)
        .execution_options(synchronize_session=False)
    )
    row = (await ctx.session.execute(stmt)).first()
    if row is None:
        return False
    for name, value in zip(("filled", "version", "updated_at"), row, strict=True):
        set_committed_value(shift, name, value)
    ctx.emit("shift.updated", shift.id, shifts.snapshot(shift))
    return True


async def take_slot(ctx: Ctx, shift: Shift) -> None:
    if not await _move_filled(ctx, shift, +1):
        raise ShiftFull(headcount=shift.headcount)


async def give_back_slot(ctx: Ctx, shift: Shift) -> None:
    await _move_filled(ctx, shift, -1)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def booked_terms(posting: Posting, shift: Shift) -> tuple[Decimal, Decimal | None]:
    """Hours of the shift, and the amount it pays as booked (None for piece rates)."""
    hours = money(Decimal((as_utc(shift.ends_at) - as_utc(shift.starts_at)).total_seconds()) / 3600)
    rate = Decimal(posting.pay_min)
    amount = {
        "hour": rate * hours,
        "day": rate,
        "month": rate / MONTH_HOURS * hours,
    }.get(posting.pay_unit)
    return hours, (money(amount) if amount is not None else None)


def hourly_rate(engagement: Engagement) -> Decimal | None:
    if engagement.booked_amount is None or not engagement.booked_hours:
        return None
    return Decimal(engagement.booked_amount) / Decimal(engagement.booked_hours)


def cancellation_pay(engagement: Engagement, pay_hours: Decimal) -> Decimal | None:
    """What an employer owes for cancelling late: the configured hours at the booked rate."""
    rate = hourly_rate(engagement)
    if rate is None:
        return None
    return money(rate * min(pay_hours, Decimal(engagement.booked_hours)))


def _deadline(ctx: Ctx, shift: Shift, via_offer: bool) -> datetime:
    rules = ctx.settings.lifecycle
    deadline = as_utc(shift.starts_at) + timedelta(minutes=rules.grace_minutes)
    if via_offer:
        late = ctx.clock.now() + timedelta(minutes=rules.offer_checkin_minutes)
        deadline = max(deadline, min(late, as_utc(shift.ends_at)))
    return deadline


def _reminders(now: datetime, starts_at: datetime) -> tuple[datetime | None, datetime | None]:
    """When to remind: a day and two hours before, unless the booking itself came later than that."""
    day, two = starts_at - timedelta(days=1), starts_at - timedelta(hours=2)
    return (day if day > now else None), (two if two > now else None)


async def seat(
    ctx: Ctx,
    shift: Shift,
    posting: Posting,
    seeker_id: str,
    *,
    source: str,
    station_id: str | None,
    referred_by: str | None,
    application_id: uuid.UUID | None = None,
    via_offer: bool = False,
) -> Engagement:
    """A new booked engagement on a slot the caller has already taken."""
    now = ctx.clock.now()
    hours, amount = booked_terms(posting, shift)
    remind_day, remind_2h = _reminders(now, as_utc(shift.starts_at))
    engagement = Engagement(
        id=shard.new_id(posting.county_adcode),
        shift_id=shift.id,
        posting_id=posting.id,
        employer_id=posting.employer_id,
        county_adcode=posting.county_adcode,
        seeker_id=seeker_id,
        application_id=application_id,
        status="booked",
        source=source,
        station_id=station_id,
        referred_by=referred_by,
        via_offer=via_offer,
        starts_at=as_utc(shift.starts_at),
        ends_at=as_utc(shift.ends_at),
        pay_rate=posting.pay_min,
        pay_unit=posting.pay_unit,
        booked_hours=hours,
        booked_amount=amount,
        booked_at=now,
        checkin_deadline=_deadline(ctx, shift, via_offer),
        late_cancel=False,
        remind_day_at=remind_day,
        remind_2h_at=remind_2h,
        version=1,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(engagement)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:  # the active-seat index; reached only if a lock were bypassed
        raise AlreadyBooked() from exc
    return engagement


async def next_in_line(ctx: Ctx, shift: Shift) -> Application | None:
    """The oldest pending request on the shift whose worker is free now; its row and worker locked."""
    stmt = (
        select(Application)
        .where(
            *shard.within(Application, shift.county_adcode, shift_id=shift.id),
            Application.status == "applied",
        )
        .order_by(Application.created_at, Application.id)
        .limit(20)
        .with_for_update(skip_locked=True)
    )
    for request in (await ctx.session.scalars(stmt)).all():
        if not await lock_worker(ctx, request.seeker_id, wait=False):
            continue  # booking something right now: the next one gets the offer
        if await overlapping(ctx, request.seeker_id, shift) is None:
            return request
    return None
