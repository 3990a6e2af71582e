"""A stored profile (plus only the sensitive facts consented to) → the ranking's SeekerQuery."""

import dataclasses
from collections.abc import Collection
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from services.matching.contracts import PayExpectation, PayUnit, SeekerQuery, TravelMode, WeeklyWindow
from services.matching.seekers.models import Seeker, SeekerSensitive
from services.matching.seekers.schemas import ConsentPurpose
from services.matching.seekers.sensitive_schemas import PriorityGroup

MINIMUM_AGE = 16
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991

# Facts in the sensitive record that make someone a member of a priority group without saying so twice.
_GROUP_OF_FLAG = {
    "disability": PriorityGroup.DISABLED,
    "long_term_unemployed": PriorityGroup.LONG_TERM_UNEMPLOYED,
    "veteran": PriorityGroup.VETERAN,
    "zero_employment_household": PriorityGroup.ZERO_EMPLOYMENT_HOUSEHOLD,
    "low_income": PriorityGroup.LOW_INCOME,
    "poverty_alleviation": PriorityGroup.LOW_INCOME,
}


def age_at(birth_year: int, birth_month: int, now: datetime) -> int:
    """Completed years in China on `now`. Only the month is known, so within the birth month the
    birthday counts as not yet reached: the minimum-age rule errs on the side of the minor."""
    local = now.astimezone(CHINA)
    return local.year - birth_year - (1 if local.month <= birth_month else 0)


def priority_groups(sensitive: SeekerSensitive) -> frozenset[str]:
    """The groups declared, plus those the record's facts imply."""
    groups = set(sensitive.priority_groups)
    groups.update(g.value for flag, g in _GROUP_OF_FLAG.items() if getattr(sensitive, flag))
    return frozenset(groups)


def query_from_profile(
    seeker: Seeker,
    sensitive: SeekerSensitive | None,
    active_purposes: Collection[str],
    now: datetime,
) -> SeekerQuery:
    """Sensitive facts are used only while a `sensitive_for_priority_help` consent is active."""
    consented = sensitive is not None and ConsentPurpose.SENSITIVE.value in active_purposes
    pay = None
    if seeker.pay_amount is not None and seeker.pay_unit is not None:
        pay = PayExpectation(amount=seeker.pay_amount, unit=cast(PayUnit, seeker.pay_unit))
    return SeekerQuery(
        seeker_id=seeker.id,
        lat=seeker.lat,
        lng=seeker.lng,
        travel_mode=cast(TravelMode, seeker.travel_mode),
        max_commute_minutes=seeker.max_commute_minutes,
        desired_text=seeker.desired_text or "",
        occupation_codes=tuple(seeker.occupation_codes),
        availability=tuple(
            WeeklyWindow(w["weekday"], w["start_minute"], w["end_minute"]) for w in seeker.availability
        ),
        pay_expectation=pay,
        certificates=frozenset(seeker.certificates),
        experience_years=seeker.experience_years,
        accommodations=frozenset(seeker.accommodations),
        age=age_at(seeker.birth_year, seeker.birth_month, now),
        reserved_post_eligible=consented and sensitive is not None and sensitive.reserved_post_certified,
        priority_groups=priority_groups(sensitive) if consented and sensitive is not None else frozenset(),
        kinds=frozenset(seeker.kinds),
        now=now,
    )


def birth_for_age(age: int, now: datetime) -> tuple[int, int]:
    """A birth month of December: in completed years on `now` (`age_at`) that gives `age`."""
    return now.astimezone(CHINA).year - age - 1, 12


def registration(q: SeekerQuery, now: datetime) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The inverse of `query_from_profile`: the registration body (and the sensitive record, if `q`
    needs one) whose stored profile `query_for_ranking` turns back into `q` at `now`. For demo data and
    benchmarks."""
    needs_sensitive = q.reserved_post_eligible or bool(q.priority_groups)
    purposes = ["matching", "sensitive_for_priority_help"] if needs_sensitive else ["matching"]
    birth_year, birth_month = birth_for_age(q.age if q.age is not None else 30, now)
    body: dict[str, Any] = {
        "home": {"lat": q.lat, "lng": q.lng},
        "travel_mode": q.travel_mode,
        "max_commute_minutes": q.max_commute_minutes,
        "availability": [dataclasses.asdict(w) for w in q.availability],
        "certificates": sorted(q.certificates),
        "experience_years": q.experience_years,
        "accommodations": sorted(q.accommodations),
        "kinds": sorted(q.kinds),
        "birth_year": birth_year,
        "birth_month": birth_month,
        "consent": {"purposes": purposes, "method": "app"},
    }
    if q.desired_text:
        body["desired_text"] = q.desired_text
    if q.occupation_codes:
        body["occupation_codes"] = list(q.occupation_codes)
    if q.pay_expectation is not None:
        body["pay_expectation"] = {"amount": str(q.pay_expectation.amount), "unit": q.pay_expectation.unit}
    extra: dict[str, Any] | None = None
    if needs_sensitive:
        extra = {"priority_groups": sorted(q.priority_groups)}
        if q.reserved_post_eligible:
            extra["reserved_post_certified"] = True  # staff only
    return body, extra
