"""Postings: create, edit, the status lifecycle, expiry; every change goes into the feed."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from services.kit.auth import Principal, Role
from services.kit.clock import as_utc
from services.kit.pagination import PageParams
from services.postings import shard
from services.postings.access import scope as access
from services.postings.deps import Ctx
from services.postings.employers import service as employers
from services.postings.listing import apply_page
from services.postings.postings import screening_gate
from services.postings.postings.exceptions import (
    CountyFixed,
    GigNeedsShift,
    InvalidTransition,
    PostingClosed,
    PostingNotFound,
    ValidUntilPassed,
)
from services.postings.postings.models import Posting, PostingExternalId, PostingFlag
from services.postings.postings.schemas import PostingCreate, PostingRead, PostingStatus, PostingUpdate
from services.postings.shifts import service as shifts
from services.postings.shifts.models import Shift

PUBLIC_STATUSES = (PostingStatus.OPEN.value, PostingStatus.PAUSED.value, PostingStatus.CLOSED.value)

# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({"draft", "paused"}), "open"),
    "pause": (frozenset({"open"}), "paused"),
    "close": (frozenset({"draft", "open", "paused"}), "closed"),
}


@dataclass(frozen=True, slots=True)
class PostingFilters:
    kind: str | None = None
    status: str | None = None
    county_adcode: str | None = None
    occupation_code: str | None = None
    employer_id: uuid.UUID | None = None
    flag: str | None = None
    updated_since: datetime | None = None


def to_read(posting: Posting) -> PostingRead:
    data = {
        c: getattr(posting, c) for c in PostingRead.model_fields if c not in ("location", "pay", "shifts")
    }
    data["location"] = {
        "lat": posting.lat,
        "lng": posting.lng,
        "county_adcode": posting.county_adcode,
        "address": posting.address,
    }
    data["pay"] = {"min": posting.pay_min, "max": posting.pay_max, "unit": posting.pay_unit}
    data["shifts"] = list(posting.shifts) if posting.kind == "gig" else []
    return PostingRead.model_validate(data)


def snapshot(posting: Posting) -> dict[str, Any]:
    return to_read(posting).model_dump(mode="json")


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    """API fields → column values."""
    out = dict(fields)
    if (loc := out.pop("location", None)) is not None:
        out.update(
            lat=loc["lat"], lng=loc["lng"], county_adcode=loc["county_adcode"], address=loc.get("address")
        )
    if (pay := out.pop("pay", None)) is not None:
        out.update(pay_min=pay["min"], pay_max=pay.get("max"), pay_unit=pay["unit"])
    return out


def state_of(posting: Posting) -> dict[str, Any]:
    """The posting as the checker sees it (API field names)."""
    return to_read(posting).model_dump(mode="python", exclude={"shifts"})


def _check_valid_until(ctx: Ctx, valid_until: datetime | None) -> None:
    if valid_until is not None and valid_until <= ctx.clock.now():
        raise ValidUntilPassed()


async def _set_flags(ctx: Ctx, posting: Posting, flags: list[str]) -> None:
    await ctx.session.execute(
        delete(PostingFlag).where(*shard.within(PostingFlag, posting.county_adcode, posting_id=posting.id))
    )
    ctx.session.add_all(
        PostingFlag(posting_id=posting.id, flag=f, county_adcode=posting.county_adcode) for f in flags
    )


async def create(
    ctx: Ctx,
    principal: Principal,
    body: PostingCreate,
    *,
    status: str = "draft",
    source: str | None = None,
    external_id: str | None = None,
) -> Posting:
    """A new posting (draft unless told otherwise), checked, with its shifts."""
    await employers.get_owned(ctx, principal, body.employer_id)
    _check_valid_until(ctx, body.valid_until)
    fields = body.model_dump(mode="python", exclude={"shifts"})
    notes = screening_gate.enforce(fields, ctx.settings.minimum_wage_file)
    now = ctx.clock.now()
    columns = _columns(_defaults(fields))
    posting = Posting(
        id=shard.new_id(columns["county_adcode"]),
        status=status,
        version=1,
        created_at=now,
        updated_at=now,
        screening_notes=notes,
        source=source,
        external_id=external_id,
        **columns,
    )
    posting.published_at = now if status == "open" else None
    posting.shifts = shifts.build(ctx, posting, body.shifts)
    ctx.session.add(posting)
    if source is not None and external_id is not None:
        place = {"source": source, "external_id": external_id, "county_adcode": posting.county_adcode}
        ctx.session.add(PostingExternalId(posting_id=posting.id, **place))
    await ctx.session.flush()
    await _set_flags(ctx, posting, posting.flags)
    if status == "open" and posting.kind == "gig" and not posting.shifts:
        raise GigNeedsShift()
    ctx.emit("posting.created", posting.id, snapshot(posting))
    return posting


_EMPTY: dict[str, Any] = {
    "certificates": [],
    "accommodations": [],
    "flags": [],
    "justifications": {},
    "description": "",
}


def _defaults(fields: dict[str, Any]) -> dict[str, Any]:
    """Create: absent collections become empty."""
    return fields | {k: v for k, v in _EMPTY.items() if fields.get(k) is None}


def _fill_empty(changes: dict[str, Any]) -> dict[str, Any]:
    """Update: a collection set to null becomes empty; fields not sent stay as they are."""
    return {k: (_EMPTY[k] if v is None and k in _EMPTY else v) for k, v in changes.items()}


def _acts_for(ctx: Ctx, principal: Principal, posting: Posting, owner_sub: str) -> bool:
    """The owner; staff of the posting's county; admins and the matching service."""
    return owner_sub == principal.sub or access.serves_county(principal, ctx.settings, posting.county_adcode)


def _visible(ctx: Ctx, principal: Principal, posting: Posting, owner_sub: str) -> bool:
    return posting.status != PostingStatus.DRAFT.value or _acts_for(ctx, principal, posting, owner_sub)


async def with_shifts(ctx: Ctx, postings: Sequence[Posting]) -> None:
    """Load the shifts of the gigs among `postings` in one query; a job has none (PostingCreate refuses
    them, shifts.add too), so a page or a posting without gigs costs no query for them."""
    gigs = {p.id: p for p in postings if p.kind == "gig"}
    found: dict[uuid.UUID, list[Shift]] = {}
    if gigs:
        counties = sorted({p.county_adcode for p in gigs.values()})  # the shard key, for Citus
        stmt = (
            select(Shift)
            .where(Shift.posting_id.in_(list(gigs)), Shift.county_adcode.in_(counties))
            .order_by(Shift.starts_at)
        )
        for shift in (await ctx.session.scalars(stmt)).all():
            found.setdefault(shift.posting_id, []).append(shift)
    for posting in postings:
        set_committed_value(posting, "shifts", found.get(posting.id, []))


async def _load(ctx: Ctx, posting_id: uuid.UUID, *, for_update: bool) -> tuple[Posting, str]:
    from services.postings.employers.models import Employer

    stmt = (
        select(Posting, Employer.owner_sub)
        .join(Employer, Employer.id == Posting.employer_id)
        .where(*shard.on(Posting.id, posting_id))
    )
    if for_update:
        stmt = stmt.with_for_update(of=Posting)
    row = (await ctx.session.execute(stmt)).first()
    if row is None:
        raise PostingNotFound()
    await with_shifts(ctx, [row[0]])
    return row[0], row[1]


async def get_visible(ctx: Ctx, principal: Principal, posting_id: uuid.UUID) -> Posting:
    posting, owner = await _load(ctx, posting_id, for_update=False)
    if not _visible(ctx, principal, posting, owner):
        raise PostingNotFound()
    return posting


async def get_for_change(ctx: Ctx, principal: Principal, posting_id: uuid.UUID) -> Posting:
    """The posting, row-locked, if the principal may change it; anyone else's is 404."""
    posting, owner = await _load(ctx, posting_id, for_update=True)
    if not _acts_for(ctx, principal, posting, owner):
        raise PostingNotFound()
    return posting


async def list_(
    ctx: Ctx, principal: Principal, filters: PostingFilters, page: PageParams
) -> tuple[Sequence[Posting], str | None]:
    from services.postings.employers.models import Employer

    stmt = select(Posting)
    if principal.role not in access.ALL_SEEING:
        owned = select(Employer.id).where(Employer.owner_sub == principal.sub)
        shown = Posting.status.in_(PUBLIC_STATUSES) | Posting.employer_id.in_(owned)
        if principal.role == Role.STAFF:  # and the drafts of their county
            shown = shown | (Posting.county_adcode == access.staff_county(principal, ctx.settings))
        stmt = stmt.where(shown)
    for column, value in (
        (Posting.kind, filters.kind),
        (Posting.status, filters.status),
        (Posting.county_adcode, filters.county_adcode),
        (Posting.occupation_code, filters.occupation_code),
        (Posting.employer_id, filters.employer_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.flag is not None:
        stmt = stmt.where(
            exists().where(
                PostingFlag.posting_id == Posting.id,
                PostingFlag.county_adcode == Posting.county_adcode,
                PostingFlag.flag == filters.flag,
            )
        )
    if filters.updated_since is not None:
        stmt = stmt.where(Posting.updated_at >= filters.updated_since)
    rows: Sequence[Posting]
    rows, cursor = await apply_page(ctx.session, stmt, Posting, page)
    await with_shifts(ctx, rows)
    return rows, cursor


async def update(ctx: Ctx, posting: Posting, body: PostingUpdate) -> Posting:
    if posting.status == PostingStatus.CLOSED.value:
        raise PostingClosed()
    changes = body.model_dump(mode="python", exclude_unset=True)
    if not changes:
        return posting
    _check_valid_until(ctx, changes.get("valid_until"))
    moved_to = (changes.get("location") or {}).get("county_adcode")
    if moved_to is not None and moved_to != posting.county_adcode:
        raise CountyFixed(current_county=posting.county_adcode)
    state = state_of(posting) | changes
    posting.screening_notes = screening_gate.enforce(state, ctx.settings.minimum_wage_file)
    for column, value in _columns(_fill_empty(changes)).items():
        setattr(posting, column, value)
    if "flags" in changes:
        await _set_flags(ctx, posting, posting.flags)
    return await bump(ctx, posting, "posting.updated")


async def transition(ctx: Ctx, posting: Posting, action: str) -> Posting:
    sources, target = TRANSITIONS[action]
    if posting.status not in sources:
        raise InvalidTransition(
            f"cannot {action} a {posting.status} posting", current_status=posting.status, action=action
        )
    now = ctx.clock.now()
    if target == "open":
        if posting.valid_until is not None and as_utc(posting.valid_until) <= now:
            raise ValidUntilPassed()
        if posting.kind == "gig" and not any(as_utc(s.starts_at) > now for s in posting.shifts):
            raise GigNeedsShift()
        posting.published_at = posting.published_at or now
    if target == "closed":
        posting.closed_at, posting.close_reason = now, "closed"
    posting.status = target
    return await bump(
        ctx,
        posting,
        {"publish": "posting.published", "pause": "posting.paused", "close": "posting.closed"}[action],
    )


async def bump(ctx: Ctx, posting: Posting, event: str) -> Posting:
    posting.version += 1
    posting.updated_at = ctx.clock.now()
    await ctx.session.flush()
    ctx.emit(event, posting.id, snapshot(posting))
    return posting


async def expire_due(ctx: Ctx, limit: int = 500) -> int:
    """Close postings whose valid_until has passed; each closure goes into the feed."""
    now = ctx.clock.now()
    stmt = (
        select(Posting)
        .where(Posting.status.in_(("open", "paused")), Posting.valid_until <= now)
        .options(selectinload(Posting.shifts))
        .limit(limit)
    )
    expired = list((await ctx.session.scalars(stmt)).all())
    for posting in expired:
        posting.status, posting.closed_at, posting.close_reason = "closed", now, "expired"
        await bump(ctx, posting, "posting.expired")
    return len(expired)
