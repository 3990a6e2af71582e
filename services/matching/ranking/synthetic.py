"""Seeded synthetic posting snapshots and seekers over Shandong's counties, for tests and benchmarks.

Texts come from a given pool (the benchmarks resample real titles when the shared data is there) or from
the shipped classification's names and aliases.
"""

import math
import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from services.matching.contracts import PayExpectation, PayUnit, SeekerQuery, TravelMode, WeeklyWindow
from services.reference.certificates import CERTIFICATES
from services.reference.geo import counties
from services.reference.occupations import occupations

SPREAD_KM = 6.0  # postings and seekers lie around their county's centroid with this standard deviation
GIG_SHARE = 0.3
KM_PER_DEG = 111.19


@cache
def classification_texts() -> tuple[tuple[str, str], ...]:
    """(title, code) pairs from the classification: each detailed occupation's name and aliases."""
    out: list[tuple[str, str]] = []
    for code, occ in occupations().items():
        if occ.level == 4:
            out.extend((name, code) for name in (occ.name, *occ.aliases[:3]))
    return tuple(out)


def _point(rng: random.Random) -> tuple[float, float, str]:
    county = rng.choice(list(counties().values()))
    lat = county.lat + rng.gauss(0, SPREAD_KM) / KM_PER_DEG
    lng = county.lng + rng.gauss(0, SPREAD_KM) / (KM_PER_DEG * math.cos(math.radians(county.lat)))
    return round(lat, 6), round(lng, 6), county.adcode


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _shifts(rng: random.Random, posting_id: str, now: datetime) -> list[dict[str, Any]]:
    out = []
    for _ in range(rng.randint(1, 6)):
        day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        local_start = rng.choice((6, 7, 8, 8, 9, 13, 14, 18, 22))  # hour, Asia/Shanghai
        start = day + timedelta(days=rng.randint(-1, 13), hours=local_start - 8)
        hours = rng.choice((2, 3, 4, 4, 5, 8, 8, 10))
        headcount = rng.randint(1, 8)
        out.append(
            {
                "id": _uuid(rng),
                "posting_id": posting_id,
                "starts_at": _iso(start),
                "ends_at": _iso(start + timedelta(hours=hours)),
                "headcount": headcount,
                "filled": rng.randint(0, headcount),
                "status": "open" if rng.random() < 0.95 else "cancelled",
                "version": 1,
            }
        )
    return out


def posting_snapshot(
    rng: random.Random,
    now: datetime,
    texts: Sequence[tuple[str, str | None]],
    employers: Sequence[str],
    descriptions: Sequence[str] = ("",),
) -> dict[str, Any]:
    """One open posting as the postings service's feed carries it (`PostingRead` JSON)."""
    title, code = rng.choice(texts)
    lat, lng, county = _point(rng)
    gig = rng.random() < GIG_SHARE
    posting_id = _uuid(rng)
    unit = rng.choice(("hour", "day")) if gig else rng.choice(("month", "month", "month", "day"))
    base = {"hour": 25.0, "day": 180.0, "month": 4500.0}[unit] * rng.uniform(0.8, 1.6)
    published = now - timedelta(hours=rng.uniform(0, 24 * 30))
    return {
        "id": posting_id,
        "employer_id": rng.choice(employers),
        "kind": "gig" if gig else "job",
        "status": "open",
        "title": title,
        "description": rng.choice(descriptions),
        "occupation_code": code if code and rng.random() < 0.3 else None,
        "location": {"lat": lat, "lng": lng, "county_adcode": county, "address": None},
        "pay": {
            "min": f"{base:.2f}",
            "max": f"{base * 1.2:.2f}" if rng.random() < 0.6 else None,
            "unit": unit,
        },
        "headcount": rng.randint(1, 10),
        "education": None,
        "experience_years": rng.choice((0, 0, 0, 1, 2, 3)),
        "certificates": [rng.choice(CERTIFICATES).code] if rng.random() < 0.1 else [],
        "physical_demand": rng.choice(("sedentary", "light", "medium", "heavy")),
        "accommodations": [
            a for a in ("step_free", "seated_work", "sign_language", "flexible_hours") if rng.random() < 0.1
        ],
        "flags": (["public_welfare"] if rng.random() < 0.03 else [])
        + (["mom_post"] if rng.random() < 0.05 else []),
        "booking": "instant" if gig else None,
        "justifications": {},
        "screening_notes": [],
        "valid_until": _iso(now + timedelta(days=rng.randint(1, 60))),
        "published_at": _iso(published),
        "closed_at": None,
        "close_reason": None,
        "source": None,
        "external_id": None,
        "version": 1,
        "created_at": _iso(published),
        "updated_at": _iso(published),
        "shifts": _shifts(rng, posting_id, now) if gig else [],
        "applicants": rng.choice((0, 0, 1, 2, 5, 20)),
    }


def postings(
    n: int,
    seed: int,
    now: datetime,
    texts: Sequence[tuple[str, str | None]] | None = None,
    descriptions: Sequence[str] = ("",),
) -> Iterator[dict[str, Any]]:
    """n open postings, the same for the same seed and `now`; titles (with their code, when known) and
    descriptions are drawn from the pools given."""
    rng = random.Random(seed)
    pool = texts or classification_texts()
    employers = [_uuid(rng) for _ in range(max(1, n // 5))]
    for _ in range(n):
        yield posting_snapshot(rng, now, pool, employers, descriptions)


def _availability(rng: random.Random) -> tuple[WeeklyWindow, ...]:
    if rng.random() < 0.5:
        return ()
    days = rng.sample(range(7), rng.randint(2, 7))
    start, end = rng.choice(((480, 720), (480, 1080), (780, 1080), (360, 1320), (1080, 1440)))
    return tuple(WeeklyWindow(d, start, end) for d in sorted(days))


def seeker(rng: random.Random, n: int, now: datetime, texts: Sequence[tuple[str, str | None]]) -> SeekerQuery:
    lat, lng, _ = _point(rng)
    title, code = rng.choice(texts)
    mode: TravelMode = rng.choice(("walk", "ebike", "bus", "bus", "car"))
    unit: PayUnit = rng.choice(("hour", "day", "month"))
    amount = {"hour": 24, "day": 180, "month": 4200}[unit] * rng.uniform(0.8, 1.4)
    return SeekerQuery(
        seeker_id=f"s{n}",
        lat=lat,
        lng=lng,
        travel_mode=mode,
        max_commute_minutes=rng.choice((15, 30, 45, 60)),
        desired_text=title if rng.random() < 0.9 else "",
        occupation_codes=(code,) if code and rng.random() < 0.3 else (),
        availability=_availability(rng),
        pay_expectation=PayExpectation(Decimal(f"{amount:.0f}"), unit) if rng.random() < 0.7 else None,
        certificates=frozenset(c.code for c in rng.sample(CERTIFICATES, rng.choice((0, 0, 0, 1, 2)))),
        experience_years=rng.choice((0, 0, 1, 2, 5, 10)),
        accommodations=frozenset(
            a for a in ("step_free", "seated_work", "sign_language") if rng.random() < 0.05
        ),
        age=rng.randint(16, 65),
        reserved_post_eligible=rng.random() < 0.05,
        priority_groups=frozenset({"rural_labour"}) if rng.random() < 0.2 else frozenset(),
        kinds=rng.choice((frozenset({"job", "gig"}), frozenset({"job"}), frozenset({"gig"}))),
        now=now,
    )


def seekers(
    n: int, seed: int, now: datetime, texts: Sequence[tuple[str, str | None]] | None = None
) -> list[SeekerQuery]:
    rng = random.Random(seed)
    pool = texts or classification_texts()
    return [seeker(rng, i, now, pool) for i in range(n)]
