"""A GET route that writes, added to a running app for a test: what the caller gets and what stays."""

import httpx
from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from services.kit.db import reads_alone
from services.kit.routing import UnitOfWorkRoute
from services.kit.uow import SessionDep


async def write_on_a_read(
    app: FastAPI, headers: dict[str, str], table: str, *, alone: bool
) -> tuple[int, bool]:
    """(the status, whether `table` exists afterwards) of a GET whose unit of work creates `table`; with
    `alone`, the route first asks to read without a transaction itself (`reads_alone`)."""
    router = APIRouter(route_class=UnitOfWorkRoute)

    @router.get(f"/test/{table}")
    async def reads_and_writes(session: SessionDep) -> dict[str, int]:
        if alone:
            await reads_alone(session)
        await session.execute(text(f"CREATE TABLE {table} (x integer)"))
        return {"written": 1}

    app.include_router(router)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        status = (await client.get(f"/test/{table}", headers=headers)).status_code
    async with app.state.engine.connect() as conn:
        found = await conn.scalar(text(f"SELECT to_regclass('{table}') IS NOT NULL"))
    return status, bool(found)
