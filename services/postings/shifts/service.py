"""Gig shifts: dated windows with a headcount, in the future and within the horizon."""

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from services.kit.clock import as_utc
from services.postings import shard
from services.postings.deps import Ctx
from services.postings.shifts.exceptions import NotAGig, ShiftInPast, ShiftTooFarAhead, TooManyShifts
from services.postings.shifts.models import Shift
from services.postings.shifts.schemas import ShiftCreate, ShiftRead

if TYPE_CHECKING:
    from services.postings.postings.models import Posting


def _check(ctx: Ctx, body: ShiftCreate) -> None:
    now = ctx.clock.now()
    if body.starts_at <= now:
        raise ShiftInPast()
    horizon = ctx.settings.shift_horizon_days
    if body.starts_at > now + timedelta(days=horizon):
        raise ShiftTooFarAhead(f"a shift may start at most {horizon} days ahead")


def build(ctx: Ctx, posting: "Posting", bodies: Sequence[ShiftCreate]) -> list[Shift]:
    """New shifts for a posting being created."""
    if len(bodies) > ctx.settings.max_shifts_per_posting:
        raise TooManyShifts(f"at most {ctx.settings.max_shifts_per_posting} shifts per posting")
    now = ctx.clock.now()
    out = []
    for body in bodies:
        _check(ctx, body)
        out.append(
            Shift(
                id=shard.new_id(posting.county_adcode),
                posting_id=posting.id,
                county_adcode=posting.county_adcode,
                starts_at=body.starts_at,
                ends_at=body.ends_at,
                headcount=body.headcount,
                filled=0,
                status="open",
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
    return out


def add(ctx: Ctx, posting: "Posting", body: ShiftCreate) -> Shift:
    """One more shift on an existing gig; the caller bumps the posting."""
    if posting.kind != "gig":
        raise NotAGig()
    active = [s for s in posting.shifts if s.status != "cancelled"]
    if len(active) >= ctx.settings.max_shifts_per_posting:
        raise TooManyShifts(f"at most {ctx.settings.max_shifts_per_posting} shifts per posting")
    (shift,) = build(ctx, posting, [body])
    posting.shifts.append(shift)
    return shift


def upcoming(posting: "Posting", ctx: Ctx) -> list[Shift]:
    now = ctx.clock.now()
    return [s for s in posting.shifts if as_utc(s.starts_at) > now]


def snapshot(shift: Shift) -> dict[str, object]:
    return ShiftRead.model_validate(shift).model_dump(mode="json")
