"""One unit of work: services flush, this commits, with hooks before and after the commit."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.db import WRITER

BeforeCommit = Callable[[AsyncSession], Awaitable[None]]
AfterCommit = Callable[[], None]

SESSION_SCOPE_KEY = "lingong.session"


def before_commit(session: AsyncSession, hook: BeforeCommit) -> None:
    """Run `hook` once, just before this unit of work commits (after the domain work is flushed)."""
    hooks: list[BeforeCommit] = session.info.setdefault("before_commit", [])
    if hook not in hooks:
        hooks.append(hook)


def after_commit(session: AsyncSession, hook: AfterCommit) -> None:
    hooks: list[AfterCommit] = session.info.setdefault("after_commit", [])
    if hook not in hooks:
        hooks.append(hook)


async def commit(session: AsyncSession) -> None:
    for hook in session.info.pop("before_commit", []):
        await hook(session)
    await session.commit()
    for done in session.info.pop("after_commit", []):
        done()


async def rollback(session: AsyncSession) -> None:
    session.info.pop("before_commit", None)
    session.info.pop("after_commit", None)
    await session.rollback()


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession], *, writer: bool = True
) -> AsyncIterator[AsyncSession]:
    """A session that commits when the block ends and rolls back when it raises (CLI, workers)."""
    async with sessionmaker() as session:
        if writer:
            await session.connection(execution_options=WRITER)
        try:
            yield session
        except BaseException:
            await rollback(session)
            raise
        await commit(session)


def get_session(request: Request) -> AsyncSession:
    session = request.scope.get(SESSION_SCOPE_KEY)
    if not isinstance(session, AsyncSession):
        raise RuntimeError("route is not a UnitOfWorkRoute")
    return session


async def _session(request: Request) -> AsyncSession:
    """`get_session` as a dependency: async, so FastAPI does not hand it to the threadpool."""
    return get_session(request)


SessionDep = Annotated[AsyncSession, Depends(_session)]
