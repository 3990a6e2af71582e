"""The dispatch as the console prints and reads it aloud: roll numbers, phones as "尾号1234", times as
08:00–12:00, each worker's booking result in plain words, the plan grouped by shift."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from services.matching.dispatch.schemas import PairRead, PlanRead, ResultRead, ShiftRead
from services.matching.seekers.query import CHINA

# (zh, en) for each outcome, and for the refusals staff meet most often
OUTCOME_TEXT = {
    "booked": ("已预订", "Booked"),
    "requested": ("已报名，等雇主确认", "Requested: the employer decides"),
    "unreachable": (
        "岗位服务连不上，未预订，请再按确认",
        "Postings service unreachable: not booked, confirm again",
    ),
}
REFUSAL_TEXT = {
    "shift_full": ("名额已被别人占了，未预订", "The place was taken meanwhile: not booked"),
    "overlapping_booking": ("此人同一时间已有别的活", "Already booked for an overlapping shift"),
    "already_booked": ("此人已订过这个班次", "Already booked on this shift"),
    "shift_started": ("班次已开始，未预订", "The shift has started: not booked"),
}


def tail(phone: str | None) -> str:
    """A masked phone as it is read aloud: 138****1234 → 尾号1234."""
    return f"尾号{phone[-4:]}" if phone and phone[-4:].isdigit() else ""


def local_time(at: datetime) -> str:
    return f"{at.astimezone(CHINA):%H:%M}"


def hours(shift: ShiftRead) -> str:
    return f"{shift.starts_at.astimezone(CHINA):%H:%M}–{shift.ends_at.astimezone(CHINA):%H:%M}"


def result_text(result: ResultRead | None, lang: str) -> str:
    if result is None:
        return ""
    pair = (
        REFUSAL_TEXT.get(result.code or "")
        if result.outcome == "refused"
        else OUTCOME_TEXT.get(result.outcome)
    )
    if pair is None:  # another refusal: the postings service's own words
        pair = (result.title_zh or "未预订", result.title or "Not booked")
    return pair[1] if lang == "en" else pair[0]


@dataclass(slots=True)
class Group:
    """One shift of the plan and the workers on it (shift None: no job today)."""

    shift: ShiftRead | None
    workers: list[PairRead] = field(default_factory=list)

    @property
    def hours(self) -> str:
        return hours(self.shift) if self.shift else ""


def groups(plan: PlanRead) -> list[Group]:
    """The plan by shift, soonest first, then those without a job today."""
    by_shift: dict[uuid.UUID, Group] = {}
    idle = Group(None)
    for pair in plan.items:
        if pair.shift is None:
            idle.workers.append(pair)
        else:
            by_shift.setdefault(pair.shift.shift_id, Group(pair.shift)).workers.append(pair)
    ordered = sorted(by_shift.values(), key=lambda g: (g.shift.starts_at, g.shift.title) if g.shift else ())
    return [*ordered, idle] if idle.workers else ordered


def unreachable(plan: PlanRead) -> bool:
    return any(p.result is not None and p.result.outcome == "unreachable" for p in plan.items)
