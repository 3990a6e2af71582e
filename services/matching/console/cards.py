"""Matches and postings as the console shows and prints them: plain words in the staff member's
language, shift times in China time, how to get there. Formatting only; the ranking is the API's."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from services.matching.serving.reads import StoredPosting
from services.matching.serving.schemas import MatchRead

CHINA = ZoneInfo("Asia/Shanghai")
UNITS = {"hour": ("小时", "hour"), "day": ("天", "day"), "piece": ("件", "piece"), "month": ("月", "month")}
MODES = {
    "walk": ("步行", "on foot"),
    "ebike": ("骑电动车", "by e-bike"),
    "bus": ("坐公交", "by bus"),
    "car": ("开车", "by car"),
}


@dataclass(frozen=True, slots=True)
class ShiftLine:
    id: str
    when: str
    free: int


@dataclass(frozen=True, slots=True)
class Card:
    posting_id: str
    title: str
    kind: str
    employer: str
    pay: str
    address: str
    getting_there: str
    reasons: list[str]
    shifts: list[ShiftLine] = field(default_factory=list)
    override: dict[str, Any] | None = None
    override_id: str | None = None


def _money(value: Any) -> str:
    number = Decimal(str(value))
    return f"{number:.0f}" if number == number.to_integral_value() else f"{number:.2f}"


def pay_text(pay: Mapping[str, Any] | None, lang: str) -> str:
    if not pay:
        return "面议" if lang == "zh" else "pay to be agreed"
    zh_unit, en_unit = UNITS.get(str(pay.get("unit")), ("", ""))
    amount = _money(pay["min"]) + (f"–{_money(pay['max'])}" if pay.get("max") is not None else "")
    return f"{amount} 元/{zh_unit}" if lang == "zh" else f"¥{amount} per {en_unit}"


def shift_when(starts: datetime, ends: datetime) -> str:
    """12月07日 08:00–12:00, China time."""
    a, b = starts.astimezone(CHINA), ends.astimezone(CHINA)
    return f"{a.month}月{a.day:02d}日 {a:%H:%M}–{b:%H:%M}"


def shifts_of(snapshot: Mapping[str, Any], only: Sequence[str] | None = None) -> list[ShiftLine]:
    out = []
    for shift in snapshot.get("shifts") or []:
        if only is not None and str(shift["id"]) not in only:
            continue
        starts, ends = (
            datetime.fromisoformat(str(shift["starts_at"])),
            datetime.fromisoformat(str(shift["ends_at"])),
        )
        out.append(
            ShiftLine(
                str(shift["id"]), shift_when(starts, ends), int(shift["headcount"]) - int(shift["filled"])
            )
        )
    return out


def getting_there(distance_km: float | None, minutes: float | None, mode: str, lang: str) -> str:
    if distance_km is None:
        return ""
    zh_mode, en_mode = MODES.get(mode, ("", ""))
    if lang == "en":
        return f"{distance_km:.1f} km from home" + (f", about {minutes:.0f} min {en_mode}" if minutes else "")
    return f"离家约 {distance_km:.1f} 公里" + (f"，{zh_mode}约 {minutes:.0f} 分钟" if minutes else "")


def address_of(snapshot: Mapping[str, Any]) -> str:
    location = snapshot.get("location") or {}
    return str(location.get("address") or "")


def card(m: MatchRead, stored: StoredPosting | None, mode: str, lang: str, override_id: str | None) -> Card:
    snapshot = stored.snapshot if stored is not None else {}
    return Card(
        posting_id=str(m.posting_id),
        title=m.title or "",
        kind=m.kind,
        employer=m.employer_name or "",
        pay=pay_text(m.pay.model_dump() if m.pay else None, lang),
        address=address_of(snapshot),
        getting_there=getting_there(m.distance_km, m.travel_minutes, mode, lang),
        reasons=[r.en if lang == "en" else r.zh for r in m.reasons],
        shifts=shifts_of(snapshot, m.shift_ids) if m.kind == "gig" else [],
        override=m.override.model_dump() if m.override else None,
        override_id=override_id,
    )


def posting_card(posting_id: uuid.UUID, stored: StoredPosting, lang: str) -> Card:
    """A posting on its own (the poster, or a slip line that is no longer among the matches)."""
    s = stored.snapshot
    return Card(
        posting_id=str(posting_id),
        title=str(s.get("title") or ""),
        kind=str(s.get("kind") or "job"),
        employer=stored.employer_name or "",
        pay=pay_text(s.get("pay"), lang),
        address=address_of(s),
        getting_there="",
        reasons=[],
        shifts=[line for line in shifts_of(s) if line.free > 0],
    )
