"""Wage disputes from the feed (`dispute.opened`, `dispute.resolved`), folded in the replica's
transaction like the outcome tables, so the dispute-rise signal counts each dispute exactly once."""

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.schemas import MAX_INT
from services.matching.statistics.models import StatDispute


class DisputeSnapshot(BaseModel):
    """The postings service's DisputeRead: the fields read here (the others kept)."""

    model_config = ConfigDict(extra="allow")

    id: uuid.UUID
    engagement_id: uuid.UUID
    employer_id: uuid.UUID
    county_adcode: Annotated[str, Field(pattern=r"^\d{6}$")]
    kind: Annotated[str, Field(max_length=20)]
    status: Annotated[str, Field(max_length=20)]
    resolution: Annotated[str | None, Field(max_length=20)] = None
    opened_at: AwareDatetime
    version: Annotated[int, Field(ge=1, le=MAX_INT)]


async def fold(session: AsyncSession, items: Sequence[tuple[int, DisputeSnapshot]]) -> None:
    """Store each dispute's newest snapshot (a higher version wins); flushes."""
    if not items:
        return
    ids = {snap.id for _, snap in items}
    stored = {d.id: d for d in (await session.scalars(select(StatDispute).where(StatDispute.id.in_(ids))))}
    for seq, snap in items:
        values: dict[str, Any] = {
            "engagement_id": snap.engagement_id,
            "employer_id": snap.employer_id,
            "county_adcode": snap.county_adcode,
            "kind": snap.kind,
            "status": snap.status,
            "resolution": snap.resolution,
            "opened_at": snap.opened_at,
            "version": snap.version,
            "applied_seq": seq,
        }
        row = stored.get(snap.id)
        if row is None:
            stored[snap.id] = row = StatDispute(id=snap.id, **values)
            session.add(row)
        elif snap.version > row.version:
            for name, value in values.items():
                setattr(row, name, value)
    await session.flush()
