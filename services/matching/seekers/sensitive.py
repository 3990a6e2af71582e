"""Sensitive data: written and read only under the seeker's `sensitive_for_priority_help` consent (the
seeker may always read their own); the ID number encrypted, hashed for duplicates, masked on the way out;
every access by someone else written to the audit log."""

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.kit.auth import Principal, Role
from services.kit.etag import check_if_match, make_etag
from services.kit.problems import Forbidden
from services.matching.seekers import audit, changes, consents
from services.matching.seekers.deps import Ctx
from services.matching.seekers.exceptions import (
    CertificationNeedsStaff,
    IdNumberMismatch,
    IdNumberTaken,
    InvalidIdNumber,
    SensitiveNotFound,
)
from services.matching.seekers.idnumber import (
    birth_date,
    is_valid_id_number,
    mask_id_number,
    normalise_id_number,
)
from services.matching.seekers.models import Seeker, SeekerIdNumber, SeekerSensitive
from services.matching.seekers.schemas import ConsentPurpose
from services.matching.seekers.sensitive_schemas import SensitiveIn, SensitiveRead

ID_FIELD = "id_number"
PURPOSE = ConsentPurpose.SENSITIVE
PLAIN_FIELDS = (
    "disability",
    "disability_level",
    "health_notes",
    "low_income",
    "poverty_alleviation",
    "zero_employment_household",
    "long_term_unemployed",
    "veteran",
)


def etag(record: SeekerSensitive) -> str:
    return make_etag(f"{record.seeker_id}/sensitive", record.version)


async def _stored(ctx: Ctx, seeker_id: str, *, for_update: bool = False) -> SeekerSensitive | None:
    stmt = select(SeekerSensitive).where(SeekerSensitive.seeker_id == seeker_id)
    return await ctx.session.scalar(stmt.with_for_update() if for_update else stmt)


def disclosed(record: SeekerSensitive) -> list[str]:
    """The fields of the record that hold something (what a read discloses)."""
    names = [n for n in PLAIN_FIELDS if getattr(record, n) not in (None, False)]
    if record.id_number_masked:
        names.append(ID_FIELD)
    if record.priority_groups:
        names.append("priority_groups")
    if record.reserved_post_certified:
        names.append("reserved_post_certified")
    return names


async def read(ctx: Ctx, principal: Principal, seeker: Seeker) -> SeekerSensitive:
    """The record; anyone but the seeker needs the consent, and their read is audited."""
    others = not audit.is_self(principal, seeker.id)
    if others:
        await consents.require(ctx.session, seeker.id, PURPOSE)
    record = await _stored(ctx, seeker.id)
    if record is None:
        raise SensitiveNotFound()
    if others:
        audit.record(ctx, principal, seeker.id, "read_sensitive", disclosed(record), PURPOSE.value)
    return record


def _id_number(ctx: Ctx, seeker: Seeker, raw: str) -> tuple[bytes, str, str]:
    """(ciphertext, lookup hash, masked form) of a checked ID number."""
    number = normalise_id_number(raw)
    if not is_valid_id_number(number):
        raise InvalidIdNumber()
    born = birth_date(number)
    if born is None or (born.year, born.month) != (seeker.birth_year, seeker.birth_month):
        raise IdNumberMismatch()
    cipher = ctx.cipher.encrypt(number, field=ID_FIELD, seeker_id=seeker.id)
    return cipher, ctx.cipher.lookup_hash(number, field=ID_FIELD), mask_id_number(number)


async def holder(ctx: Ctx, lookup: str) -> str | None:
    """The seeker holding the ID number with this lookup hash, if any (one row, by its key)."""
    return await ctx.session.scalar(
        select(SeekerIdNumber.seeker_id).where(SeekerIdNumber.id_number_hmac == lookup)
    )


async def _id_free(ctx: Ctx, seeker_id: str, lookup: str) -> None:
    owner = await holder(ctx, lookup)
    if owner is not None and owner != seeker_id:
        raise IdNumberTaken()


async def release_id_number(ctx: Ctx, seeker_id: str) -> None:
    """The seeker no longer holds any ID number (their record's number removed, the record deleted, the
    seeker erased)."""
    await ctx.session.execute(sa.delete(SeekerIdNumber).where(SeekerIdNumber.seeker_id == seeker_id))


async def _hold_id_number(ctx: Ctx, seeker_id: str, lookup: str | None) -> None:
    """The lookup row follows the record: the old number released, the new one held. Another seeker
    holding it (written meanwhile) fails the flush on the primary key: 409 `id_number_taken`."""
    await release_id_number(ctx, seeker_id)
    if lookup is not None:
        ctx.session.add(SeekerIdNumber(id_number_hmac=lookup, seeker_id=seeker_id))


async def current_etag(ctx: Ctx, seeker_id: str) -> str | None:
    """The record's ETag (for a replacing write), None when there is none; discloses nothing."""
    record = await _stored(ctx, seeker_id)
    return etag(record) if record is not None else None


async def put(
    ctx: Ctx, principal: Principal, seeker: Seeker, body: SensitiveIn, if_match: str | None
) -> tuple[SeekerSensitive, bool]:
    """Create or replace the record (If-Match needed to replace); returns it and whether it is new."""
    await consents.require(ctx.session, seeker.id, PURPOSE)
    record = await _stored(ctx, seeker.id, for_update=True)
    created = record is None
    if record is None:
        record = SeekerSensitive(seeker_id=seeker.id, version=0, reserved_post_certified=False)
    else:
        check_if_match(if_match, etag(record))
    certified = body.reserved_post_certified
    if certified is not None and certified != record.reserved_post_certified:
        if principal.role not in (Role.STAFF, Role.ADMIN):
            raise CertificationNeedsStaff()
        record.reserved_post_certified = certified
    for name in PLAIN_FIELDS:
        setattr(record, name, getattr(body, name))
    record.priority_groups = [g.value for g in body.priority_groups]
    if ID_FIELD in body.model_fields_set:
        record.id_number_cipher = record.id_number_hmac = record.id_number_masked = None
        if body.id_number is not None:
            cipher, lookup, masked = _id_number(ctx, seeker, body.id_number)
            await _id_free(ctx, seeker.id, lookup)
            record.id_number_cipher, record.id_number_hmac, record.id_number_masked = cipher, lookup, masked
        await _hold_id_number(ctx, seeker.id, record.id_number_hmac)
    record.version += 1
    record.updated_at = ctx.clock.now()
    ctx.session.add(record)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:  # the same ID number written for another seeker meanwhile
        raise IdNumberTaken() from exc
    changes.touched(ctx, seeker.id)
    if not audit.is_self(principal, seeker.id):
        written = [*PLAIN_FIELDS, "priority_groups"]
        written += [ID_FIELD] if ID_FIELD in body.model_fields_set else []
        written += ["reserved_post_certified"] if certified is not None else []
        audit.record(ctx, principal, seeker.id, "write_sensitive", written, PURPOSE.value)
    return record, created


async def delete(ctx: Ctx, principal: Principal, seeker: Seeker) -> None:
    """The seeker (or an admin at their request) deletes the record; the consent is separate."""
    if principal.role not in (Role.SEEKER, Role.ADMIN):
        raise Forbidden("only the seeker or an administrator deletes sensitive data")
    record = await _stored(ctx, seeker.id, for_update=True)
    if record is None:
        raise SensitiveNotFound()
    await ctx.session.delete(record)
    await release_id_number(ctx, seeker.id)
    await ctx.session.flush()
    changes.touched(ctx, seeker.id)
    if not audit.is_self(principal, seeker.id):
        audit.record(ctx, principal, seeker.id, "delete_sensitive", disclosed(record), PURPOSE.value)


def to_read(record: SeekerSensitive) -> SensitiveRead:
    return SensitiveRead(
        seeker_id=record.seeker_id,
        **{name: getattr(record, name) for name in PLAIN_FIELDS},
        id_number=record.id_number_masked,
        priority_groups=record.priority_groups,
        reserved_post_certified=record.reserved_post_certified,
        version=record.version,
        updated_at=record.updated_at,
    )
