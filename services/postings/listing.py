"""Keyset pagination over (created_at, id) for any table that has both."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import BadCursor, PageParams, encode_cursor

M = TypeVar("M")


async def apply_page(
    session: AsyncSession, stmt: Select[Any], model: Any, page: PageParams
) -> tuple[Sequence[M], str | None]:
    """One page of `stmt`, newest first, and the cursor of the next page (None at the end)."""
    if page.after is not None:
        try:
            at, last_id = datetime.fromisoformat(page.after[0]), uuid.UUID(page.after[1])
        except ValueError as exc:
            raise BadCursor() from exc
        stmt = stmt.where(or_(model.created_at < at, and_(model.created_at == at, model.id < last_id)))
    stmt = stmt.order_by(model.created_at.desc(), model.id.desc()).limit(page.limit + 1)
    rows = list((await session.scalars(stmt)).all())
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None
    return rows, cursor
