"""What a seekers route hands to the service: one unit of work, the clock and the field cipher."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal, Role, require_roles
from services.kit.clock import Clock
from services.kit.uow import get_session, unit_of_work
from services.matching.seekers.crypto import FieldCipher, get_cipher


@dataclass(slots=True)
class Ctx:
    session: AsyncSession
    clock: Clock
    cipher: FieldCipher


def cipher_of(request: Request) -> FieldCipher:
    cipher = getattr(request.app.state, "seekers_cipher", None)
    return cipher if isinstance(cipher, FieldCipher) else get_cipher()


def get_ctx(request: Request, session: AsyncSession) -> Ctx:
    return Ctx(session=session, clock=request.app.state.clock, cipher=cipher_of(request))


async def ctx_dependency(request: Request) -> Ctx:
    """The route's unit of work as a Ctx (async: a sync dependency would cost a worker-thread hop)."""
    return get_ctx(request, get_session(request))


@asynccontextmanager
async def audited_read(request: Request) -> AsyncIterator[Ctx]:
    """A committed unit of work for a GET that must leave an audit row.

    The route class rolls back every GET; a read of sensitive data is recorded, and the record is
    committed before the data leaves, so reads that disclose run here instead."""
    async with unit_of_work(request.app.state.sessionmaker) as session:
        yield Ctx(session=session, clock=request.app.state.clock, cipher=cipher_of(request))


CtxDep = Annotated[Ctx, Depends(ctx_dependency)]
Anyone = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.STAFF, Role.ADMIN))]
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN))]
SeekerSelf = Annotated[Principal, Depends(require_roles(Role.SEEKER))]
SeekerOrAdmin = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.ADMIN))]
ServiceOnly = Annotated[Principal, Depends(require_roles(Role.SERVICE))]
