"""What serving reads from the replica tables: open snapshots to load, one posting and its owner, the
snapshots behind a page of matches, or only their display fields."""

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.matching.replica.listeners import ReplicaChange
from services.matching.replica.models import ReplicaEmployer, ReplicaPosting


@dataclass(frozen=True, slots=True)
class StoredPosting:
    snapshot: dict[str, Any]
    employer_name: str | None
    owner_sub: str | None


async def open_snapshots(
    sessionmaker: async_sessionmaker[AsyncSession], page_size: int
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every open posting's snapshot, in pages (keyset on the id, one short transaction per page)."""
    last: uuid.UUID | None = None
    while True:
        stmt = (
            select(ReplicaPosting.id, ReplicaPosting.snapshot)
            .where(ReplicaPosting.status == "open")
            .order_by(ReplicaPosting.id)
            .limit(page_size)
        )
        if last is not None:
            stmt = stmt.where(ReplicaPosting.id > last)
        async with sessionmaker() as session:
            rows = (await session.execute(stmt)).all()
        if rows:
            yield [row.snapshot for row in rows]
            last = rows[-1].id
        if len(rows) < page_size:
            return


async def employers(session: AsyncSession) -> list[dict[str, Any]]:
    """Every replicated employer's id and reliability record (for the index's reliability column)."""
    rows = await session.execute(select(ReplicaEmployer.id, ReplicaEmployer.reliability))
    return [{"id": str(row.id), "reliability": row.reliability} for row in rows]


async def posting(session: AsyncSession, posting_id: uuid.UUID) -> StoredPosting | None:
    row = (
        await session.execute(
            select(ReplicaPosting.snapshot, ReplicaEmployer.name, ReplicaEmployer.owner_sub)
            .outerjoin(ReplicaEmployer, ReplicaEmployer.id == ReplicaPosting.employer_id)
            .where(ReplicaPosting.id == posting_id)
        )
    ).first()
    return None if row is None else StoredPosting(row.snapshot, row.name, row.owner_sub)


async def postings(session: AsyncSession, posting_ids: Sequence[str]) -> dict[str, StoredPosting]:
    """The stored snapshots of these postings (with their employer's name), by id string."""
    if not posting_ids:
        return {}
    ids = [uuid.UUID(p) for p in posting_ids]
    rows = await session.execute(
        select(ReplicaPosting.id, ReplicaPosting.snapshot, ReplicaEmployer.name)
        .outerjoin(ReplicaEmployer, ReplicaEmployer.id == ReplicaPosting.employer_id)
        .where(ReplicaPosting.id.in_(ids))
    )
    return {str(row.id): StoredPosting(row.snapshot, row.name, None) for row in rows}


async def displays(session: AsyncSession, posting_ids: Sequence[str]) -> dict[str, StoredPosting]:
    """The display fields of these postings' snapshots (title, pay, kind, county, employer) with their
    employer's name, by id string: two fields of each JSON document are read, not the whole of it
    (description, shifts), and the rest come from the row's own columns, folded from the same snapshot."""
    if not posting_ids:
        return {}
    rows = await session.execute(_DISPLAYS, {"ids": [uuid.UUID(p) for p in posting_ids]})
    return {str(row.id): StoredPosting(_display(row), row.name, None) for row in rows}


# Built once (read on every matches request): the ids are an expanding bound parameter.
_DISPLAYS = (
    select(
        ReplicaPosting.id,
        ReplicaPosting.snapshot["title"].label("title"),
        ReplicaPosting.snapshot["pay"].label("pay"),
        ReplicaPosting.kind,
        ReplicaPosting.county_adcode,
        ReplicaPosting.employer_id,
        ReplicaEmployer.name,
    )
    .outerjoin(ReplicaEmployer, ReplicaEmployer.id == ReplicaPosting.employer_id)
    .where(ReplicaPosting.id.in_(bindparam("ids", expanding=True)))
)


def _display(row: Any) -> dict[str, Any]:
    return {
        "title": row.title,
        "pay": row.pay,
        "kind": row.kind,
        "location": {"county_adcode": row.county_adcode},
        "employer_id": str(row.employer_id),
    }


async def applied_head(session: AsyncSession) -> int:
    """The newest feed seq that changed a replicated posting or employer (0 when there is none)."""
    postings = await session.scalar(select(func.max(ReplicaPosting.applied_seq)))
    employers = await session.scalar(select(func.max(ReplicaEmployer.applied_seq)))
    return int(max(postings or 0, employers or 0))


async def applied_after(session: AsyncSession, after: int, limit: int) -> ReplicaChange | None:
    """What the replica changed after feed seq `after` (at most `limit` postings), as the listeners are
    told it; None when nothing did. Batches commit in seq order, so nothing can appear behind it later.
    Called first in its transaction: both statements must read one snapshot, or (on PostgreSQL's READ
    COMMITTED) an employer of a batch committed between them moves the cursor past that batch's postings,
    which a follower then never reads (seen with `lingong serve --workers 2` on PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    postings = (
        await session.execute(
            select(ReplicaPosting.applied_seq, ReplicaPosting.snapshot)
            .where(ReplicaPosting.applied_seq > after)
            .order_by(ReplicaPosting.applied_seq)
            .limit(limit)
        )
    ).all()
    upto = postings[-1].applied_seq if len(postings) == limit else None
    stmt = select(ReplicaEmployer.applied_seq, ReplicaEmployer.id, ReplicaEmployer.reliability).where(
        ReplicaEmployer.applied_seq > after
    )
    if upto is not None:
        stmt = stmt.where(ReplicaEmployer.applied_seq <= upto)
    employers = (await session.execute(stmt)).all()
    if not postings and not employers:
        return None
    cursor = upto if upto is not None else max(r.applied_seq for r in [*postings, *employers])
    return ReplicaChange(
        cursor,
        tuple(r.snapshot for r in postings),
        tuple({"id": str(r.id), "reliability": r.reliability} for r in employers),
    )
