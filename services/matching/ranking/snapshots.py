"""Posting snapshots (the postings service's `PostingRead` as JSON) → plain column values.

Only what the ranking reads is kept; the snapshot itself stays in the replica.
"""

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from services.matching.ranking import vocab
from services.matching.ranking.rules import (
    NIGHT_END_MINUTE,
    NIGHT_START_MINUTE,
    PAY_UNIT_HOURS,
    minors_forbidden,
)

PAY_UNITS = ("hour", "day", "piece", "month")
SHANGHAI_OFFSET_S = 8 * 3600
WEEK_MINUTES = 7 * 1440
_FAR_FUTURE = math.inf
_DESCRIPTION_CHARS = 80  # the opening of a description says what the work is; the rest adds noise
_ADULTS_ONLY_TEXT = re.compile(r"(年满|满)\s*18\s*周?岁|18\s*周?岁(以上|及以上)|未成年人?(勿|不得|禁止|不招)")


def epoch(value: object) -> float:
    """An ISO time (as the snapshot carries it) or a datetime → seconds since the epoch."""
    if value.__class__ is str:
        return _fromiso(value).timestamp()
    if value is None:
        return math.nan
    if isinstance(value, datetime):
        return value.timestamp()
    return _fromiso(str(value)).timestamp()


_fromiso = datetime.fromisoformat


def reliability_from_record(record: Mapping[str, Any]) -> float:
    """An employer reliability record (postings' `EmployerReliability` JSON) → 0..1, 0.5 when unknown.

    Wages confirmed paid on time count for, wages paid only after a dispute count half, unpaid disputed
    wages count against; a Beta(1, 1) prior keeps a new employer near neutral."""
    on_time = float(record.get("paid_on_time") or 0)
    after = float(record.get("paid_after_dispute") or 0)
    unpaid = float(record.get("unpaid_disputed") or 0)
    settled = on_time + after + unpaid
    return (on_time + 0.5 * after + 1.0) / (settled + 2.0)


def _reliability(snapshot: Mapping[str, Any]) -> float:
    value = snapshot.get("employer_reliability")
    if value is None:
        value = snapshot.get("reliability")
        if value is None:
            return math.nan
    if isinstance(value, Mapping):
        return reliability_from_record(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return float(value)
    return math.nan


def to_hourly(amount: float, unit: str) -> float:
    """Pay per hour; piece rates cannot be converted (NaN)."""
    hours = PAY_UNIT_HOURS.get(unit)
    return amount / hours if hours else math.nan


_PAY_UNIT_CODE = {u: i for i, u in enumerate(PAY_UNITS)}
_RESERVED = 1 << vocab.RESERVED_BIT
_ADULT = 1 << vocab.ADULT_BIT
_KIND_BIT = {"job": 1 << vocab.JOB_BIT, "gig": 1 << vocab.GIG_BIT}
_WELFARE = 1 << vocab.FLAGS.index("public_welfare")


@cache
def _cert_mask(certs: tuple[str, ...]) -> tuple[int, bool]:
    return vocab.cert_mask(certs), minors_forbidden(None, None, certs)


@cache
def _flags(values: tuple[str, ...]) -> int:
    return vocab.bitmask(values, vocab.FLAGS)


@cache
def _accommodations(values: tuple[str, ...]) -> int:
    return vocab.bitmask(values, vocab.ACCOMMODATIONS)


@cache
def _occupation(code: str | None) -> tuple[int, bool]:
    if not code:
        return -1, False
    return vocab.occupation_table().index.get(code, -1), minors_forbidden(None, code, ())


# One tuple per posting, in this order; `ParsedBatch` turns them into columns.
FIELDS = (
    "ids",
    "employers",
    "open",
    "lat",
    "lng",
    "county",
    "pay_lo",
    "pay_hi",
    "pay_unit",
    "job_free",
    "requirement",
    "flags",
    "accommodations",
    "experience",
    "fresh_at",
    "valid_until",
    "applicants",
    "reliability",
    "occupation",
    "titles",
    "texts",
    "shift_count",
    "version",
)
# One tuple per shift: id, starts (epoch s), ends, free places, open.
ShiftTuple = tuple[str, float, float, int, bool]


def _row(snapshot: Mapping[str, Any], shifts_out: list[ShiftTuple]) -> tuple[Any, ...]:
    get = snapshot.get
    loc, pay = snapshot["location"], snapshot["pay"]
    kind = get("kind") or "job"
    flags = _flags(tuple(get("flags") or ()))
    cert_mask, cert_adult = _cert_mask(tuple(get("certificates") or ()))
    occupation, occupation_adult = _occupation(get("occupation_code"))
    description = get("description") or ""
    requirement = cert_mask | _KIND_BIT.get(kind, 0)
    if flags & _WELFARE:
        requirement |= _RESERVED
    if (
        cert_adult
        or occupation_adult
        or get("physical_demand") == "heavy"
        or get("minors_forbidden")
        or (
            ("18" in description or "未成年" in description)
            and _ADULTS_ONLY_TEXT.search(description) is not None
        )
    ):
        requirement |= _ADULT
    lo = float(pay["min"])
    hi = float(pay["max"]) if pay.get("max") is not None else lo
    unit = pay["unit"]
    published = epoch(get("published_at"))
    if published != published:
        published = epoch(get("updated_at"))
    valid_until = get("valid_until")
    shift_count = 0
    if kind == "gig":
        for sh in get("shifts") or ():
            free = int(sh.get("headcount") or 0) - int(sh.get("filled") or 0)
            is_open = (sh.get("status") or "open") == "open"
            shifts_out.append(
                (str(sh["id"]), epoch(sh["starts_at"]), epoch(sh["ends_at"]), max(0, free), is_open)
            )
            shift_count += 1
    headcount = int(get("headcount") or 0) - int(get("filled") or 0)
    return (
        str(snapshot["id"]),
        str(get("employer_id") or ""),
        (get("status") or "open") == "open",
        float(loc["lat"]),
        float(loc["lng"]),
        int(loc.get("county_adcode") or 0),
        lo,
        hi,
        _PAY_UNIT_CODE.get(unit, 2),
        max(0, headcount) if kind == "job" else 0,
        requirement,
        flags,
        _accommodations(tuple(get("accommodations") or ())),
        int(get("experience_years") or 0),
        published,
        _FAR_FUTURE if valid_until is None else epoch(valid_until),
        int(get("applicants") or 0),
        _reliability(snapshot),
        occupation,
        str(get("title") or ""),
        description[:_DESCRIPTION_CHARS],
        shift_count,
        int(get("version") or 0),
    )


class ParsedBatch:
    """Column lists of a batch of snapshots (shifts flattened, with a count per posting)."""

    ids: list[str]
    employers: list[str]
    open: list[bool]
    lat: list[float]
    lng: list[float]
    county: list[int]
    pay_lo: list[float]
    pay_hi: list[float]
    pay_unit: list[int]
    job_free: list[int]
    requirement: list[int]
    flags: list[int]
    accommodations: list[int]
    experience: list[int]
    fresh_at: list[float]
    valid_until: list[float]
    applicants: list[int]
    reliability: list[float]
    occupation: list[int]
    titles: list[str]
    texts: list[str]
    shift_count: list[int]
    version: list[int]

    def __init__(self, rows: list[tuple[Any, ...]], shifts: list[ShiftTuple]) -> None:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in FIELDS]
        for name, values in zip(FIELDS, columns, strict=True):
            setattr(self, name, list(values))
        self.shifts = shifts
        self.n = len(rows)

    def __len__(self) -> int:
        return self.n

    def pay_hour(self) -> npt.NDArray[np.float64]:
        """Mid-range pay per hour; NaN for piece rates."""
        mid = (np.asarray(self.pay_lo) + np.asarray(self.pay_hi)) / 2.0
        hours = np.array([PAY_UNIT_HOURS.get(u, math.nan) for u in PAY_UNITS])[
            np.asarray(self.pay_unit, dtype=np.int64)
        ]
        out: npt.NDArray[np.float64] = mid / hours
        return out


def parse(snapshots: Iterable[Mapping[str, Any]]) -> ParsedBatch:
    """Snapshots → column lists."""
    shifts: list[ShiftTuple] = []
    rows = [_row(s, shifts) for s in snapshots]
    return ParsedBatch(rows, shifts)


def shift_columns(shifts: Sequence[ShiftTuple]) -> dict[str, Any]:
    """Shift tuples → the index's shift columns (week minute, length, night computed vectorised)."""
    if not shifts:
        ids: tuple[Any, ...] = ()
        starts = ends = np.zeros(0)
        free = np.zeros(0, dtype=np.int32)
        is_open = np.zeros(0, dtype=np.bool_)
    else:
        ids, start_t, end_t, free_t, open_t = zip(*shifts, strict=True)
        starts, ends = np.asarray(start_t, dtype=np.float64), np.asarray(end_t, dtype=np.float64)
        free, is_open = np.asarray(free_t, dtype=np.int32), np.asarray(open_t, dtype=np.bool_)
    local = np.floor(starts).astype(np.int64) + SHANGHAI_OFFSET_S
    days, rest = np.divmod(local, 86400)
    week = ((days + 3) % 7) * 1440 + rest // 60  # 1970-01-01 was a Thursday
    minutes = np.maximum(1, np.rint((ends - starts) / 60.0)).astype(np.int32)
    start_minute = week % 1440
    end = start_minute + minutes
    night = np.zeros(len(week), dtype=np.bool_)
    span = 1440 - NIGHT_START_MINUTE + NIGHT_END_MINUTE
    for night_from in (NIGHT_START_MINUTE - 1440, NIGHT_START_MINUTE, NIGHT_START_MINUTE + 1440):
        night |= (start_minute < night_from + span) & (end > night_from)
    return {
        "id": list(ids),
        "start": starts,
        "week": week.astype(np.int32),
        "minutes": minutes,
        "free": free,
        "bookable": is_open & (free > 0),
        "night": night,
    }
