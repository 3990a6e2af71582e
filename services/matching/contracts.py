"""The shapes the matching service's parts agree on: what the ranking reads about a seeker and a posting.

The replica stores each posting as the postings service's feed snapshot (`PostingRead` as JSON); the
ranking index is built from those snapshots. The seekers part turns a stored profile (plus only the
sensitive facts the seeker consented to for this purpose) into a `SeekerQuery`.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

TravelMode = Literal["walk", "ebike", "bus", "car"]
PayUnit = Literal["hour", "day", "piece", "month"]

# km/h door to door, used to turn a commute limit in minutes into a radius; documented in the README.
TRAVEL_SPEED_KMH: dict[str, float] = {"walk": 4.5, "ebike": 15.0, "bus": 18.0, "car": 30.0}


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Available on `weekday` (0 = Monday), `start_minute`-`end_minute` after midnight, Asia/Shanghai."""

    weekday: int
    start_minute: int
    end_minute: int


@dataclass(frozen=True, slots=True)
class PayExpectation:
    amount: Decimal
    unit: PayUnit


@dataclass(frozen=True, slots=True)
class SeekerQuery:
    """Everything the ranking may use about a seeker. Protected traits are absent on purpose: the only
    personal facts here are those a documented legal rule needs (age for the minimum-age rule,
    reserved-post eligibility, accommodations the seeker asked for) and priority-group membership, used
    only to raise exposure (FA*IR) and never as a scoring feature."""

    seeker_id: str
    lat: float
    lng: float
    travel_mode: TravelMode = "bus"
    max_commute_minutes: int = 45
    desired_text: str = ""  # the work they want in their own words: "焊工 会开叉车"
    occupation_codes: tuple[str, ...] = ()
    availability: tuple[WeeklyWindow, ...] = ()  # empty = any time
    pay_expectation: PayExpectation | None = None
    certificates: frozenset[str] = frozenset()  # certificate codes, services/reference/certificates.py
    experience_years: int = 0
    accommodations: frozenset[str] = frozenset()  # step_free, seated_work, sign_language, flexible_hours
    age: int | None = None
    reserved_post_eligible: bool = False  # certified for public-welfare posts (公益性岗位)
    priority_groups: frozenset[str] = frozenset()  # only with consent; never a scoring feature
    kinds: frozenset[str] = frozenset({"job", "gig"})
    now: datetime | None = None


@dataclass(frozen=True, slots=True)
class Contribution:
    # occupation_fit, distance, schedule, pay, accommodations, experience, reliability, freshness, congestion
    factor: str
    value: float


@dataclass(frozen=True, slots=True)
class Reason:
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Match:
    posting_id: str
    score: float  # == sum of contributions (to 1e-9)
    contributions: tuple[Contribution, ...]
    reasons: tuple[Reason, ...]
    shift_ids: tuple[str, ...] = ()  # gig shifts that fit the seeker's availability
    extra: dict[str, object] = field(default_factory=dict)
