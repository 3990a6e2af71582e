"""A SeekerQuery made ready for the vectorised rules: radians, radius, capability word, week intervals."""

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from services.matching.contracts import TRAVEL_SPEED_KMH, SeekerQuery, WeeklyWindow
from services.matching.ranking import vocab
from services.matching.ranking.grid import Point, chord2_limit, point_xyz
from services.matching.ranking.rules import ADULT_AGE, MINIMUM_AGE, commute_radius_km
from services.matching.ranking.snapshots import WEEK_MINUTES, to_hourly
from services.matching.ranking.text import QueryText, TextEncoder

F64 = npt.NDArray[np.float64]


def week_intervals(windows: Iterable[WeeklyWindow]) -> F64 | None:
    """Weekly windows → merged [start, end) minutes of the week, repeated one week on so a shift that
    starts on Sunday and ends on Monday can be tested by containment. None = any time."""
    spans = sorted(
        (w.weekday % 7 * 1440 + max(0, w.start_minute), w.weekday % 7 * 1440 + min(1440, w.end_minute))
        for w in windows
        if w.end_minute > w.start_minute
    )
    if not spans:
        return None
    spans = spans + [(a + WEEK_MINUTES, b + WEEK_MINUTES) for a, b in spans]
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return np.asarray(merged, dtype=np.float64)


def fits(
    intervals: F64 | None, week_start: npt.NDArray[np.int32], minutes: npt.NDArray[np.int32]
) -> npt.NDArray[np.bool_]:
    """Whether each shift lies inside one of the intervals (all shifts fit when there are none)."""
    if intervals is None:
        return np.ones(len(week_start), dtype=np.bool_)
    ok = np.zeros(len(week_start), dtype=np.bool_)
    end = week_start + minutes
    for a, b in intervals.tolist():
        ok |= (week_start >= a) & (end <= b)
    return ok


@dataclass(slots=True)
class Seeker:
    query: SeekerQuery
    point: Point  # on the unit sphere
    radius_km: float
    chord2: float  # the radius as a squared chord
    speed_kmh: float
    capability: np.uint32
    too_young: bool  # under 16: nothing is shown
    minor: bool  # 16-17: no night shifts, no work forbidden to minors
    intervals: F64 | None
    pay_hour: float  # NaN without an expectation
    experience: int
    asked: int  # accommodations bitmask
    asked_count: int
    text: QueryText
    now: float


def capability(query: SeekerQuery) -> int:
    cap = vocab.held_cert_mask(query.certificates)
    if query.reserved_post_eligible:
        cap |= 1 << vocab.RESERVED_BIT
    if query.age is None or query.age >= ADULT_AGE:
        cap |= 1 << vocab.ADULT_BIT
    if "job" in query.kinds:
        cap |= 1 << vocab.JOB_BIT
    if "gig" in query.kinds:
        cap |= 1 << vocab.GIG_BIT
    return cap


def prepare(query: SeekerQuery, encoder: TextEncoder, now: float | None = None) -> Seeker:
    when = now if now is not None else (query.now.timestamp() if query.now is not None else time.time())
    radius = commute_radius_km(query.travel_mode, query.max_commute_minutes)
    pay = query.pay_expectation
    asked = vocab.bitmask(query.accommodations, vocab.ACCOMMODATIONS)
    return Seeker(
        query=query,
        point=point_xyz(query.lat, query.lng),
        radius_km=radius,
        chord2=chord2_limit(radius),
        speed_kmh=TRAVEL_SPEED_KMH[query.travel_mode],
        capability=np.uint32(capability(query)),
        too_young=query.age is not None and query.age < MINIMUM_AGE,
        minor=query.age is not None and MINIMUM_AGE <= query.age < ADULT_AGE,
        intervals=week_intervals(query.availability),
        pay_hour=to_hourly(float(pay.amount), pay.unit) if pay is not None and pay.amount > 0 else math.nan,
        experience=max(0, query.experience_years),
        asked=asked,
        asked_count=bin(asked).count("1"),
        text=encoder.encode_query(query.desired_text, query.occupation_codes),
        now=when,
    )
