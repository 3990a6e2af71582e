"""Today's board at a station and what each worker present may take from it, read from the engine.

A shift is on the board when it starts later today (China time), is open with a free place, and lies in
the station's county or is within reach of someone checked in. A (worker, shift) pair is eligible exactly
when the ranking would offer that shift to that worker: the same hard rules (commute from home,
certificates, age rules, reserved posts, availability, kind), and its value is the ranking's score.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.contracts import SeekerQuery
from services.matching.ranking.snapshots import epoch
from services.matching.seekers.query import CHINA
from services.matching.seekers.service import load_queries_for_ranking
from services.matching.serving import reads
from services.matching.serving.engine import MatchingEngine
from services.matching.serving.reads import StoredPosting


@dataclass(frozen=True, slots=True)
class BoardShift:
    shift_id: str
    posting_id: str
    title: str
    employer: str | None
    address: str | None
    county_adcode: str | None
    starts_at: datetime
    ends_at: datetime
    headcount: int
    free: int
    pay: Mapping[str, Any] | None


@dataclass(slots=True)
class Morning:
    """The board and the eligible pairs' scores; `queries` holds the workers the ranking may use."""

    day: date
    shifts: list[BoardShift]
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # seeker → shift id → score
    queries: dict[str, SeekerQuery] = field(default_factory=dict)

    def reachable(self, shift_id: str) -> int:
        return sum(1 for by_shift in self.scores.values() if shift_id in by_shift)


def china_day(now: datetime) -> tuple[date, datetime, datetime]:
    """(today's China date, its start, its end) for this moment."""
    day = now.astimezone(CHINA).date()
    start = datetime.combine(day, time(0), CHINA)
    return day, start, start + timedelta(days=1)


def _shifts_of(stored: StoredPosting, start: float, end: float) -> list[BoardShift]:
    snap = stored.snapshot
    location = snap.get("location") or {}
    out = []
    for sh in snap.get("shifts") or []:
        free = int(sh.get("headcount") or 0) - int(sh.get("filled") or 0)
        starts = epoch(sh["starts_at"])
        if sh.get("status") != "open" or free <= 0 or not start <= starts < end:
            continue
        out.append(
            BoardShift(
                shift_id=str(sh["id"]),
                posting_id=str(snap["id"]),
                title=str(snap.get("title") or ""),
                employer=stored.employer_name,
                address=location.get("address"),
                county_adcode=location.get("county_adcode"),
                starts_at=datetime.fromtimestamp(starts, CHINA),
                ends_at=datetime.fromtimestamp(epoch(sh["ends_at"]), CHINA),
                headcount=int(sh.get("headcount") or 0),
                free=free,
                pay=snap.get("pay"),
            )
        )
    return out


async def morning(
    session: AsyncSession,
    engine: MatchingEngine,
    seeker_ids: Sequence[str],
    county: str | None,
    now: datetime,
) -> Morning:
    """The station's board for today and each worker's eligible shifts on it, with scores."""
    engine.check()
    ranker = engine.ranker
    assert ranker is not None  # check() raised otherwise
    index = ranker.index
    day, _, day_end = china_day(now)
    start, end = now.timestamp(), day_end.timestamp()
    rows = index.rows_with_shifts(start, end)
    result = Morning(day, [])
    fitting: dict[str, dict[str, float]] = {}
    posting_ids: set[str] = set()
    for query in await load_queries_for_ranking(session, now, list(seeker_ids)):
        result.queries[query.seeker_id] = query
        matches = ranker.rank_rows(query, rows, now=start)
        fitting[query.seeker_id] = {shift_id: m.score for m in matches for shift_id in m.shift_ids}
        posting_ids.update(m.posting_id for m in matches)
    if county and county.isdigit():
        local = rows[index.cols.a["county"][rows] == int(county)]
        posting_ids.update(index.ids_of(local))
    stored = await reads.postings(session, sorted(posting_ids))
    shifts = [s for p in stored.values() for s in _shifts_of(p, start, end)]
    result.shifts = sorted(shifts, key=lambda s: (s.starts_at, s.title, s.shift_id))
    on_board = {s.shift_id for s in result.shifts}
    result.scores = {w: {s: v for s, v in by.items() if s in on_board} for w, by in fitting.items()}
    return result
