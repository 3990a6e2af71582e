"""Seekers: registration (by themselves or by station staff with consent), edits, reads, erasure, and
the query the ranking reads."""

import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal, Role
from services.kit.pagination import PageParams, encode_cursor
from services.kit.problems import Forbidden, InvalidInput
from services.matching.contracts import SeekerQuery
from services.matching.database import IdempotencyKey
from services.matching.seekers import audit, changes, consents, scope
from services.matching.seekers.deps import Ctx
from services.matching.seekers.exceptions import (
    ConsentRequired,
    DesiredWorkRequired,
    SeekerExists,
    SeekerNotFound,
    StationMismatch,
    UnderMinimumAge,
)
from services.matching.seekers.models import Seeker, SeekerConsent, SeekerSensitive
from services.matching.seekers.names import NAME_FIELD, mask_name, name_key
from services.matching.seekers.phone import mask_phone
from services.matching.seekers.query import MINIMUM_AGE, age_at, query_from_profile
from services.matching.seekers.schemas import (
    SEEKER_ID_PATTERN,
    ConsentPurpose,
    HomeIn,
    SeekerCreate,
    SeekerRead,
    SeekerUpdate,
    TravelMode,
)
from services.matching.seekers.sensitive import release_id_number
from services.matching.serving.models import MatchOverride
from services.reference.geo import counties

DEFAULT_TRAVEL_MODE = TravelMode.BUS
DEFAULT_COMMUTE_MINUTES = 45
PHONE_FIELD = "phone"
CENTS = Decimal("0.01")
REGISTRATION_ONLY = {"seeker_id", "registered_by_station", "consent"}


def check_access(principal: Principal, seeker_id: str) -> None:
    """A seeker reaches only their own records: another seeker's are "not found", not "forbidden"."""
    if principal.role == Role.SEEKER and principal.sub != seeker_id:
        raise SeekerNotFound()


async def get(ctx: Ctx, seeker_id: str, *, for_update: bool = False) -> Seeker:
    stmt = select(Seeker).where(Seeker.id == seeker_id)
    if for_update:
        stmt = stmt.with_for_update()
    seeker = await ctx.session.scalar(stmt)
    if seeker is None:
        raise SeekerNotFound()
    return seeker


async def get_for(ctx: Ctx, principal: Principal, seeker_id: str, *, for_update: bool = False) -> Seeker:
    """The seeker if the principal reaches them (`scope`): anyone else's is "not found"."""
    check_access(principal, seeker_id)
    stmt = select(Seeker).where(Seeker.id == seeker_id)
    if (condition := scope.reach(principal, ctx.clock.now(), [seeker_id])) is not None:
        stmt = stmt.where(condition)
    seeker = await ctx.session.scalar(stmt.with_for_update() if for_update else stmt)
    if seeker is None:
        raise SeekerNotFound()
    return seeker


async def check_reach(ctx: Ctx, principal: Principal, seeker_id: str) -> None:
    """Raises `SeekerNotFound` for a seeker out of the principal's reach (no query unless staff)."""
    check_access(principal, seeker_id)
    if scope.reach(principal, ctx.clock.now()) is not None:
        await get_for(ctx, principal, seeker_id)


def _who_registers(principal: Principal, body: SeekerCreate) -> tuple[str, str | None]:
    """(seeker id, station) for a registration, by the seeker themself or by staff for them."""
    if principal.role == Role.SEEKER:
        if body.seeker_id not in (None, principal.sub):
            raise Forbidden("a seeker registers only themself")
        if body.registered_by_station is not None:
            raise StationMismatch("registered_by_station is for staff registering someone")
        if not re.fullmatch(SEEKER_ID_PATTERN, principal.sub):
            raise InvalidInput("this account's subject cannot be used as a seeker id")
        return principal.sub, None
    station = body.registered_by_station
    if principal.role == Role.STAFF:
        if principal.station_id is None or station not in (None, principal.station_id):
            raise StationMismatch()
        station = principal.station_id
    return body.seeker_id or uuid.uuid4().hex, station


def _check_age(birth_year: int, birth_month: int, now: datetime) -> None:
    if age_at(birth_year, birth_month, now) < MINIMUM_AGE:
        raise UnderMinimumAge(minimum_age=MINIMUM_AGE)


async def create(ctx: Ctx, principal: Principal, body: SeekerCreate) -> Seeker:
    """A new profile with the consent the seeker gave (which must include matching)."""
    seeker_id, station = _who_registers(principal, body)
    if body.consent is None or ConsentPurpose.MATCHING not in body.consent.purposes:
        raise ConsentRequired("registration needs the seeker's consent to matching", purpose="matching")
    now = ctx.clock.now()
    _check_age(body.birth_year, body.birth_month, now)
    if await ctx.session.get(Seeker, seeker_id) is not None:
        raise SeekerExists()
    seeker = Seeker(
        id=seeker_id,
        travel_mode=DEFAULT_TRAVEL_MODE.value,
        max_commute_minutes=DEFAULT_COMMUTE_MINUTES,
        experience_years=0,
        kinds=["job", "gig"],
        registered_by_station=station,
        registered_by_sub=principal.sub,
        version=1,
        created_at=now,
        updated_at=now,
        occupation_codes=[],
        availability=[],
        certificates=[],
        accommodations=[],
    )
    fields = body.model_dump(exclude_unset=True, exclude_none=True, exclude=REGISTRATION_ONLY)
    _apply(ctx, seeker, fields, body)
    ctx.session.add(seeker)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:  # registered concurrently
        raise SeekerExists() from exc
    await consents.grant(ctx, principal, seeker_id, body.consent)
    return seeker


def _apply(ctx: Ctx, seeker: Seeker, changes: dict[str, Any], body: SeekerCreate | SeekerUpdate) -> None:
    """Copy validated fields onto the row; nested and secret ones take their own path."""
    for name in changes:
        value = getattr(body, name)
        if name == "home":
            _set_home(seeker, value)
        elif name == "pay_expectation":
            seeker.pay_amount = value.amount.quantize(CENTS) if value else None
            seeker.pay_unit = value.unit.value if value else None
        elif name == PHONE_FIELD:
            seeker.phone_cipher = (
                ctx.cipher.encrypt(value, field=PHONE_FIELD, seeker_id=seeker.id) if value else None
            )
            seeker.phone_masked = mask_phone(value) if value else None
            seeker.phone_hmac = ctx.cipher.lookup_hash(value, field=PHONE_FIELD) if value else None
        elif name == NAME_FIELD:
            seeker.name_cipher = (
                ctx.cipher.encrypt(value, field=NAME_FIELD, seeker_id=seeker.id) if value else None
            )
            seeker.name_masked = mask_name(value) if value else None
            seeker.name_hmac = ctx.cipher.lookup_hash(name_key(value), field=NAME_FIELD) if value else None
        elif name == "availability":
            seeker.availability = [w.model_dump() for w in value]
        elif isinstance(value, list):
            setattr(seeker, name, [getattr(v, "value", v) for v in value])
        else:
            setattr(seeker, name, getattr(value, "value", value))


def _set_home(seeker: Seeker, home: HomeIn) -> None:
    assert home.county_adcode is not None  # HomeIn derives or checks it
    if home.lat is None or home.lng is None:
        county = counties()[home.county_adcode]
        seeker.lat, seeker.lng, seeker.location_approximate = county.lat, county.lng, True
    else:
        seeker.lat, seeker.lng, seeker.location_approximate = home.lat, home.lng, False
    seeker.county_adcode = home.county_adcode
    seeker.address = home.address


async def update(ctx: Ctx, principal: Principal, seeker: Seeker, body: SeekerUpdate) -> Seeker:
    """A partial edit by the seeker, or by staff while the seeker's matching consent is active."""
    if not audit.is_self(principal, seeker.id):
        await consents.require(ctx.session, seeker.id, ConsentPurpose.MATCHING)
    _apply(ctx, seeker, body.model_dump(exclude_unset=True), body)
    now = ctx.clock.now()
    _check_age(seeker.birth_year, seeker.birth_month, now)
    if not seeker.desired_text and not seeker.occupation_codes:
        raise DesiredWorkRequired()
    seeker.version += 1
    seeker.updated_at = now
    await ctx.session.flush()
    changes.touched(ctx, seeker.id)
    return seeker


async def list_(
    ctx: Ctx,
    principal: Principal,
    page: PageParams,
    *,
    county: str | None = None,
    station: str | None = None,
) -> tuple[Sequence[Seeker], str | None]:
    """Newest first, keyset pages on (created_at, id); staff see only those they reach (`scope`)."""
    stmt = select(Seeker)
    if (condition := scope.reach(principal, ctx.clock.now())) is not None:
        stmt = stmt.where(condition)
    if county is not None:
        stmt = stmt.where(Seeker.county_adcode == county)
    if station is not None:
        stmt = stmt.where(Seeker.registered_by_station == station)
    if page.after is not None:
        at, last = datetime.fromisoformat(page.after[0]), page.after[1]
        stmt = stmt.where(or_(Seeker.created_at < at, and_(Seeker.created_at == at, Seeker.id < last)))
    stmt = stmt.order_by(Seeker.created_at.desc(), Seeker.id.desc()).limit(page.limit + 1)
    rows = list((await ctx.session.scalars(stmt)).all())
    more, rows = len(rows) > page.limit, rows[: page.limit]
    return rows, encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None


async def to_read(ctx: Ctx, seeker: Seeker, now: datetime) -> SeekerRead:
    """The profile as every role sees it: the phone masked, consents as the purposes now active."""
    active = await consents.active_purposes(ctx.session, seeker.id)
    return SeekerRead(
        id=seeker.id,
        desired_text=seeker.desired_text,
        occupation_codes=seeker.occupation_codes,
        home={
            "lat": seeker.lat,
            "lng": seeker.lng,
            "county_adcode": seeker.county_adcode,
            "approximate": seeker.location_approximate,
            "address": seeker.address,
        },
        travel_mode=seeker.travel_mode,
        max_commute_minutes=seeker.max_commute_minutes,
        availability=seeker.availability,
        pay_expectation=(
            {"amount": seeker.pay_amount, "unit": seeker.pay_unit} if seeker.pay_amount is not None else None
        ),
        certificates=seeker.certificates,
        experience_years=seeker.experience_years,
        accommodations=seeker.accommodations,
        kinds=seeker.kinds,
        birth_year=seeker.birth_year,
        birth_month=seeker.birth_month,
        age=age_at(seeker.birth_year, seeker.birth_month, now),
        phone=seeker.phone_masked,
        name=seeker.name_masked,
        registered_by_station=seeker.registered_by_station,
        former_employer=seeker.former_employer,
        consents=sorted(active),
        version=seeker.version,
        created_at=seeker.created_at,
        updated_at=seeker.updated_at,
    )


async def reveal_phone(ctx: Ctx, principal: Principal, seeker: Seeker, purpose: ConsentPurpose) -> str | None:
    """The full phone number: to the seeker; to anyone else only under an active consent for `purpose`,
    and then written to the audit log."""
    if not audit.is_self(principal, seeker.id):
        await consents.require(ctx.session, seeker.id, purpose)
        audit.record(ctx, principal, seeker.id, "reveal_contact", [PHONE_FIELD], purpose.value)
    if seeker.phone_cipher is None:
        return None
    return ctx.cipher.decrypt(seeker.phone_cipher, field=PHONE_FIELD, seeker_id=seeker.id)


async def masked_names(session: AsyncSession, seeker_ids: Sequence[str]) -> dict[str, str]:
    """Seeker id → masked name (王*明), for the seekers among these who have a name on file."""
    if not seeker_ids:
        return {}
    stmt = select(Seeker.id, Seeker.name_masked).where(
        Seeker.id.in_(sorted(set(seeker_ids))), Seeker.name_masked.is_not(None)
    )
    return {sid: str(name) for sid, name in (await session.execute(stmt)).all()}


async def reveal_name(ctx: Ctx, principal: Principal, seeker: Seeker) -> str | None:
    """The full name, for the seeker's own page: to the seeker, or to staff who reach them (the caller
    got `seeker` through `get_for`); a read by anyone else is written to the audit log."""
    if seeker.name_cipher is None:
        return None
    if not audit.is_self(principal, seeker.id):
        audit.record(ctx, principal, seeker.id, "read_name", [NAME_FIELD], ConsentPurpose.MATCHING.value)
    return ctx.cipher.decrypt(seeker.name_cipher, field=NAME_FIELD, seeker_id=seeker.id)


async def erase(ctx: Ctx, principal: Principal, seeker: Seeker) -> None:
    """The right to erasure: profile and sensitive data deleted, consents ended, staff overrides (their
    reasons may describe the person) and stored idempotent replies that carried the profile dropped;
    audit and consent rows stay, with the id only. A seeker who registers afresh under the same id
    starts with no overrides. Cases keep a pseudonymous skeleton and household membership ends
    (`privacy.erasure`)."""
    from services.matching.privacy.erasure import forget_elsewhere  # it reads other domains' tables

    seeker_id = seeker.id
    await forget_elsewhere(ctx, principal, seeker_id)
    await ctx.session.execute(delete(SeekerSensitive).where(SeekerSensitive.seeker_id == seeker_id))
    await release_id_number(ctx, seeker_id)
    await ctx.session.execute(delete(MatchOverride).where(MatchOverride.seeker_id == seeker_id))
    await ctx.session.delete(seeker)
    await consents.withdraw_all(ctx, principal, seeker_id)
    await ctx.session.execute(
        delete(IdempotencyKey).where(
            or_(
                IdempotencyKey.principal == f"{Role.SEEKER.value}:{seeker_id}",
                IdempotencyKey.response_headers.contains(f'/v1/seekers/{seeker_id}"', autoescape=True),
                IdempotencyKey.response_headers.contains(f"/v1/seekers/{seeker_id}/", autoescape=True),
            )
        )
    )
    audit.record(ctx, principal, seeker_id, "erase", ["profile", "sensitive", "phone", "name"])
    changes.touched(ctx, seeker_id)
    await ctx.session.flush()


async def query_for_ranking(session: AsyncSession, seeker_id: str, now: datetime) -> SeekerQuery:
    """What the ranking may use about one seeker, as of this moment's consents."""
    seeker = await session.get(Seeker, seeker_id, populate_existing=True)
    if seeker is None:
        raise SeekerNotFound()
    sensitive = await session.get(SeekerSensitive, seeker_id, populate_existing=True)
    return query_from_profile(seeker, sensitive, await consents.active_purposes(session, seeker_id), now)


async def load_queries_for_ranking(
    session: AsyncSession, now: datetime, seeker_ids: Sequence[str] | None = None
) -> list[SeekerQuery]:
    """Queries for many seekers at once (an employer's candidate pool): only those whose matching
    consent is active, in id order."""
    out: list[SeekerQuery] = []
    chunks = (
        [None] if seeker_ids is None else [seeker_ids[i : i + 500] for i in range(0, len(seeker_ids), 500)]
    )
    for chunk in chunks:
        out.extend(await _load_chunk(session, now, chunk))
    return sorted(out, key=lambda q: q.seeker_id)


async def _load_chunk(session: AsyncSession, now: datetime, ids: Sequence[str] | None) -> list[SeekerQuery]:
    seekers_stmt = select(Seeker)
    sensitive_stmt = select(SeekerSensitive)
    consent_stmt = select(SeekerConsent.seeker_id, SeekerConsent.purpose).where(
        SeekerConsent.withdrawn_at.is_(None)
    )
    if ids is not None:
        seekers_stmt = seekers_stmt.where(Seeker.id.in_(ids))
        sensitive_stmt = sensitive_stmt.where(SeekerSensitive.seeker_id.in_(ids))
        consent_stmt = consent_stmt.where(SeekerConsent.seeker_id.in_(ids))
    purposes: dict[str, set[str]] = {}
    for sid, purpose in (await session.execute(consent_stmt)).all():
        purposes.setdefault(sid, set()).add(purpose)
    sensitive = {s.seeker_id: s for s in (await session.scalars(sensitive_stmt)).all()}
    return [
        query_from_profile(s, sensitive.get(s.id), purposes.get(s.id, set()), now)
        for s in (await session.scalars(seekers_stmt)).all()
        if ConsentPurpose.MATCHING.value in purposes.get(s.id, set())
    ]
