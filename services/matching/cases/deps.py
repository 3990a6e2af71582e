"""What a cases route hands to the service: the session, the clock, the field cipher, the settings."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Principal, Role, require_roles
from services.kit.clock import Clock
from services.kit.uow import get_session, unit_of_work
from services.matching.cases.config import CasesSettings, get_cases_settings
from services.matching.seekers.crypto import FieldCipher, get_cipher


@dataclass(slots=True)
class Ctx:
    session: AsyncSession
    clock: Clock
    cipher: FieldCipher
    settings: CasesSettings


def cases_settings(app: FastAPI) -> CasesSettings:
    """Tests may set `app.state.cases_settings`; else the environment's."""
    settings = getattr(app.state, "cases_settings", None)
    return settings if isinstance(settings, CasesSettings) else get_cases_settings()


def _ctx(app: FastAPI, session: AsyncSession) -> Ctx:
    cipher = getattr(app.state, "seekers_cipher", None)
    return Ctx(
        session=session,
        clock=app.state.clock,
        cipher=cipher if isinstance(cipher, FieldCipher) else get_cipher(),
        settings=cases_settings(app),
    )


async def get_ctx(request: Request) -> Ctx:
    return _ctx(request.app, get_session(request))


@asynccontextmanager
async def audited_read(request: Request) -> AsyncIterator[Ctx]:
    """A committed unit of work for a GET that leaves audit rows (the route class rolls GETs back)."""
    async with unit_of_work(request.app.state.sessionmaker) as session:
        yield _ctx(request.app, session)


CtxDep = Annotated[Ctx, Depends(get_ctx)]
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.ADMIN))]
Anyone = Annotated[Principal, Depends(require_roles(Role.SEEKER, Role.STAFF, Role.ADMIN))]
