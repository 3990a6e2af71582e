"""Employers: registration, edits, verification by staff."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.kit.auth import Principal, Role
from services.kit.pagination import PageParams
from services.postings.access import scope as access
from services.postings.config import PostingsSettings
from services.postings.deps import Ctx
from services.postings.employers.exceptions import EmployerNotFound, NotYourEmployer, UsccTaken
from services.postings.employers.models import Employer
from services.postings.employers.schemas import EmployerCreate, EmployerRead, EmployerUpdate
from services.postings.listing import apply_page


def snapshot(employer: Employer) -> dict[str, object]:
    """The feed's view: the public record plus the owning account, so consumers can authorise employers."""
    return EmployerRead.model_validate(employer).model_dump(mode="json") | {"owner_sub": employer.owner_sub}


def may_act_for(principal: Principal, employer: Employer, settings: PostingsSettings) -> bool:
    """The owner; staff of the employer's county; admins and the matching service."""
    return employer.owner_sub == principal.sub or access.serves_county(
        principal, settings, employer.county_adcode
    )


async def _uscc_free(ctx: Ctx, uscc: str | None, exclude: uuid.UUID | None = None) -> None:
    if uscc is None:
        return
    found = await ctx.session.scalar(select(Employer.id).where(Employer.uscc == uscc))
    if found is not None and found != exclude:
        raise UsccTaken()


async def create(ctx: Ctx, principal: Principal, body: EmployerCreate) -> Employer:
    """Register an organisation; the calling employer account becomes its owner."""
    await _uscc_free(ctx, body.uscc)
    now = ctx.clock.now()
    employer = Employer(
        id=uuid.uuid4(),
        owner_sub=principal.sub,
        name=body.name,
        kind=body.kind.value,
        uscc=body.uscc,
        county_adcode=body.county_adcode,
        verified=False,
        version=1,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(employer)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:  # a concurrent registration of the same code
        raise UsccTaken() from exc
    ctx.emit("employer.created", employer.id, snapshot(employer))
    return employer


async def get(ctx: Ctx, employer_id: uuid.UUID, *, for_update: bool = False) -> Employer:
    stmt = select(Employer).where(Employer.id == employer_id)
    if for_update:
        stmt = stmt.with_for_update()
    employer = await ctx.session.scalar(stmt)
    if employer is None:
        raise EmployerNotFound()
    return employer


async def get_owned(
    ctx: Ctx, principal: Principal, employer_id: uuid.UUID, *, for_update: bool = False
) -> Employer:
    """The employer if the principal may act for it; another's is 404 to an employer, 403 to others."""
    employer = await get(ctx, employer_id, for_update=for_update)
    if not may_act_for(principal, employer, ctx.settings):
        if principal.role == Role.EMPLOYER:
            raise EmployerNotFound()
        raise NotYourEmployer()
    return employer


async def list_(ctx: Ctx, principal: Principal, page: PageParams) -> tuple[Sequence[Employer], str | None]:
    stmt = select(Employer)
    if principal.role == Role.EMPLOYER:
        stmt = stmt.where(Employer.owner_sub == principal.sub)
    return await apply_page(ctx.session, stmt, Employer, page)


async def update(ctx: Ctx, employer: Employer, body: EmployerUpdate) -> Employer:
    changes = body.model_dump(exclude_unset=True)
    if "uscc" in changes:
        await _uscc_free(ctx, changes["uscc"], exclude=employer.id)
    for field, value in changes.items():
        setattr(employer, field, value.value if hasattr(value, "value") else value)
    return await _bump(ctx, employer, "employer.updated")


async def set_verified(ctx: Ctx, employer: Employer, verified: bool) -> Employer:
    employer.verified = verified
    return await _bump(ctx, employer, "employer.verified" if verified else "employer.unverified")


async def _bump(ctx: Ctx, employer: Employer, event: str) -> Employer:
    employer.version += 1
    employer.updated_at = ctx.clock.now()
    await ctx.session.flush()
    ctx.emit(event, employer.id, snapshot(employer))
    return employer
