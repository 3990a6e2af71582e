"""Each replica posting's demand facts (county, occupation group, free places, valid until), derived
incrementally: only rows whose `applied_seq` passed the statistics cursor are read again.

The replica stores the feed's JSON snapshot; grouping a million of them on every request would parse a
million documents, so the few numbers a table counts are kept in `stat_postings`, one row per posting.
"""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import as_utc
from services.kit.db import is_postgres
from services.matching.replica.models import ReplicaPosting
from services.matching.statistics.models import UNCLASSIFIED, StatCursor, StatPosting
from services.reference.occupations import get_occupation

CURSOR = "replica_postings"
# Postings derived per transaction. Each row read is a whole snapshot (its description and shifts with it):
# 5,000 of them held at once grew a matching worker's memory by 18 MB for good (freed, not given back to
# the system) at the first round after the demo was loaded (the soak, docs/load.md).
BATCH = 500


def occupation_group(code: object) -> str:
    """A CSCO code → its medium group ("6-29-01-03" → "6-29"); anything unknown → unclassified."""
    if not isinstance(code, str) or get_occupation(code) is None:
        return UNCLASSIFIED
    major, medium = code.split("-")[:2]
    return UNCLASSIFIED if medium == "00" else f"{major}-{medium}"


def _time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, str):
        return as_utc(datetime.fromisoformat(value))
    return None


def _gig_places(shifts: list[Mapping[str, Any]]) -> tuple[int, datetime | None]:
    """Free places of a gig's open shifts, and when the last shift with a free place ends."""
    free, last = 0, None
    for shift in shifts:
        places = int(shift.get("headcount") or 0) - int(shift.get("filled") or 0)
        if (shift.get("status") or "open") != "open" or places <= 0:
            continue
        free += places
        ends = _time(shift.get("ends_at"))
        if ends is not None and (last is None or ends > last):
            last = ends
    return free, last


def derive(snapshot: Mapping[str, Any], applied_seq: int) -> dict[str, Any]:
    """One posting snapshot → its stat_postings row."""
    valid_until = _time(snapshot.get("valid_until"))
    if snapshot.get("kind") == "gig":
        free, last_shift = _gig_places(snapshot.get("shifts") or [])
        if last_shift is not None and (valid_until is None or last_shift < valid_until):
            valid_until = last_shift
    else:
        free = max(0, int(snapshot.get("headcount") or 0) - int(snapshot.get("filled") or 0))
    return {
        "posting_id": uuid.UUID(str(snapshot["id"])),
        "employer_id": uuid.UUID(str(snapshot["employer_id"])),
        "county_adcode": str(snapshot["location"]["county_adcode"]),
        "occupation_group": occupation_group(snapshot.get("occupation_code")),
        "open": snapshot.get("status") == "open",
        "free_places": free,
        "valid_until": valid_until,
        "applied_seq": applied_seq,
    }


async def lag(session: AsyncSession) -> tuple[int, int]:
    """(the statistics cursor, the replica's newest applied_seq)."""
    head = await session.scalar(select(func.max(ReplicaPosting.applied_seq)))
    cursor = await session.get(StatCursor, CURSOR)
    return (cursor.seq if cursor else 0), int(head or 0)


async def catch_up(session: AsyncSession, now: datetime, limit: int | None = None) -> int:
    """Derive the facts of every replica row changed since the cursor (at most `limit`); flushes."""
    upsert = postgresql.insert if is_postgres(session) else sqlite.insert
    await session.execute(
        upsert(StatCursor).values(name=CURSOR, seq=0, updated_at=now).on_conflict_do_nothing()
    )
    stmt = select(StatCursor).where(StatCursor.name == CURSOR).with_for_update()
    cursor = (await session.scalars(stmt.execution_options(populate_existing=True))).one()
    done = 0
    # One event changes one posting, so no two rows share an applied_seq and a page never splits a seq.
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        rows = (
            await session.execute(
                select(ReplicaPosting.snapshot, ReplicaPosting.applied_seq)
                .where(ReplicaPosting.applied_seq > cursor.seq)
                .order_by(ReplicaPosting.applied_seq)
                .limit(size)
            )
        ).all()
        if not rows:
            break
        facts = [derive(snapshot, seq) for snapshot, seq in rows]
        insert = upsert(StatPosting)
        columns = {c: insert.excluded[c] for c in facts[0] if c != "posting_id"}
        await session.execute(
            insert.on_conflict_do_update(index_elements=["posting_id"], set_=columns), facts
        )
        cursor.seq, cursor.updated_at = int(rows[-1][1]), now
        done += len(rows)
    await session.flush()
    return done
