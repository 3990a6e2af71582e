"""A matching unit of work that reads without a transaction (a seeker's own matches, an employer's
candidates: `kit.db.reads_alone`) is guarded as the postings service's GETs are: a statement that writes
or locks is refused, and nothing of it stays."""

from collections.abc import Callable

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from services.kit.db import reads_alone
from services.kit.routing import UnitOfWorkRoute
from services.kit.uow import SessionDep

Token = Callable[..., dict[str, str]]


@pytest.mark.postgres_only
async def test_a_unit_of_work_reading_alone_that_writes_is_refused_and_leaves_nothing_behind(
    matching_app: FastAPI, token: Token
) -> None:
    router = APIRouter(route_class=UnitOfWorkRoute)

    @router.get("/test/reads-alone-then-writes")
    async def reads_then_writes(session: SessionDep) -> dict[str, int]:
        await reads_alone(session)
        await session.execute(text("CREATE TABLE written_alone (x integer)"))
        return {"written": 1}

    matching_app.include_router(router)
    transport = httpx.ASGITransport(app=matching_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/test/reads-alone-then-writes", headers=token("seeker", "s-1"))
        assert response.status_code == 500
    async with matching_app.state.engine.connect() as conn:
        found = await conn.scalar(text("SELECT to_regclass('written_alone') IS NOT NULL"))
    assert found is False
