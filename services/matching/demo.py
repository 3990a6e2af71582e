"""Seeded demo seekers for `lingong serve --demo`, registered through the seekers part with consent.

Postings come from the postings service's demo loader; these seekers give an employer's candidate list
and a station's console someone to show. Each seeker registers themself (id `demo-seeker-NNNN`, the
`sub` of a `lingong dev-token --role seeker`) with the `matching` consent only: no sensitive facts, no
phone, no ID number.
"""

import random
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select

from services.kit.auth import Principal, Role
from services.kit.clock import SystemClock
from services.kit.db import build_engine, build_sessionmaker
from services.kit.problems import ProblemError
from services.kit.uow import unit_of_work
from services.matching.config import MatchingSettings, get_settings
from services.matching.contracts import SeekerQuery
from services.matching.ranking import synthetic
from services.matching.seekers import service as seekers_service
from services.matching.seekers.crypto import get_cipher
from services.matching.seekers.deps import Ctx
from services.matching.seekers.models import Seeker
from services.matching.seekers.schemas import SeekerCreate

BATCH = 50  # seekers per transaction: short write locks on the embedded default
ADULT = 18  # demo seekers are adults; minors' rules are shown by the tests, not the demo


def demo_id(n: int) -> str:
    return f"demo-seeker-{n:04d}"


def registration(q: SeekerQuery, now: datetime) -> dict[str, Any]:
    """The body a seeker would send for the profile `q` describes (no sensitive facts)."""
    body: dict[str, Any] = {
        "home": {"lat": round(q.lat, 5), "lng": round(q.lng, 5)},
        "travel_mode": q.travel_mode,
        "max_commute_minutes": q.max_commute_minutes,
        "availability": [
            {"weekday": w.weekday, "start_minute": w.start_minute, "end_minute": w.end_minute}
            for w in q.availability
        ],
        "certificates": sorted(q.certificates),
        "experience_years": q.experience_years,
        "accommodations": sorted(q.accommodations),
        "kinds": sorted(q.kinds),
        "birth_year": now.year - max(q.age or 30, ADULT) - 1,
        "birth_month": 6,
        "consent": {"purposes": ["matching"], "method": "app"},
        "desired_text": q.desired_text or None,
        "occupation_codes": list(q.occupation_codes),
    }
    if not body["desired_text"] and not body["occupation_codes"]:
        body["desired_text"] = "普工"
    if q.pay_expectation is not None:
        body["pay_expectation"] = {"amount": str(q.pay_expectation.amount), "unit": q.pay_expectation.unit}
    return body


async def load_demo_seekers(settings: MatchingSettings | None = None, n: int = 300, seed: int = 11) -> int:
    """How many demo seekers were registered (0 when the matching database already has seekers)."""
    settings = settings or get_settings()
    engine = build_engine(settings)
    sessionmaker = build_sessionmaker(engine)
    clock, cipher = SystemClock(), get_cipher()
    try:
        async with unit_of_work(sessionmaker, writer=False) as session:
            if await session.scalar(select(func.count()).select_from(Seeker)):
                return 0
        now = clock.now()
        rng = random.Random(seed)
        texts = synthetic.classification_texts()
        made = 0
        for start in range(0, n, BATCH):
            async with unit_of_work(sessionmaker) as session:
                ctx = Ctx(session=session, clock=clock, cipher=cipher)
                for i in range(start, min(n, start + BATCH)):
                    q = synthetic.seeker(rng, i, now, texts)
                    try:
                        body = SeekerCreate.model_validate(registration(q, now))
                        await seekers_service.create(ctx, Principal(demo_id(i), Role.SEEKER), body)
                    except (ValidationError, ProblemError):
                        continue  # a generated profile the API refuses is simply not in the demo
                    made += 1
        return made
    finally:
        await engine.dispose()
