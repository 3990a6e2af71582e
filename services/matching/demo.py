"""Seeded demo seekers for `lingong serve --demo`, registered through the seekers part with consent.

Postings come from the postings service's demo loader; these seekers give an employer's candidate list
and a station's console someone to show. Each seeker registers themself (id `demo-seeker-NNNN`, the
`sub` of a `lingong dev-token --role seeker`) with the `matching` consent only: no sensitive facts, no
phone, no ID number.
"""

import dataclasses
import random
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError
from sqlalchemy import func, select

from services.kit.auth import Principal, Role
from services.kit.clock import SystemClock
from services.kit.db import build_engine, build_sessionmaker, let_other_writers_in
from services.kit.problems import ProblemError
from services.kit.uow import unit_of_work
from services.matching.config import MatchingSettings, get_settings
from services.matching.contracts import SeekerQuery
from services.matching.ranking import synthetic
from services.matching.seekers import service as seekers_service
from services.matching.seekers.crypto import get_cipher
from services.matching.seekers.deps import Ctx
from services.matching.seekers.models import Seeker
from services.matching.seekers.query import registration
from services.matching.seekers.schemas import SeekerCreate
from services.reference.geo import counties

DemoState = Literal["loading", "ready", "failed"]

BATCH = 20  # seekers per transaction: short write locks on the embedded default
ADULT = 18  # demo seekers are adults; minors' rules are shown by the tests, not the demo
SHOWCASE_COUNTY = "370102"  # 济南市 历下区
# What seeker 0 wants: 保洁员, the demo postings' commonest occupation around 历下区 (jobs and gigs, no
# certificate), so the banner's first look shows exact matches (tests/matching/test_demo_showcase.py).
SHOWCASE_WISH = ("保洁员", "4-09-08-01")


@dataclass
class DemoProgress:
    """`lingong serve --demo`'s progress, for GET /v1/matching/status: postings are ready once the
    matching engine holds them, seekers once they are registered."""

    postings: DemoState = "loading"
    seekers: DemoState = "loading"

    @property
    def ready(self) -> bool:
        return self.postings == "ready" and self.seekers == "ready"

    def failed(self) -> None:
        self.postings = "failed" if self.postings == "loading" else self.postings
        self.seekers = "failed" if self.seekers == "loading" else self.seekers


def demo_id(n: int) -> str:
    return f"demo-seeker-{n:04d}"


def demo_query(q: SeekerQuery) -> SeekerQuery:
    """A generated seeker as the demo shows them: an adult, without sensitive facts, wanting some work."""
    return dataclasses.replace(
        q,
        age=max(q.age or 30, ADULT),
        reserved_post_eligible=False,
        priority_groups=frozenset(),
        desired_text=q.desired_text or ("" if q.occupation_codes else "普工"),
    )


def showcase(q: SeekerQuery) -> SeekerQuery:
    """Seeker 0, the one `make run`'s banner names: someone with matches to show whatever else was drawn —
    wanting cleaning work at 济南 历下区's centre, by bus up to an hour, any day and hour, jobs and gigs,
    no pay floor."""
    centre = counties()[SHOWCASE_COUNTY]
    text, code = SHOWCASE_WISH
    return dataclasses.replace(
        q,
        desired_text=text,
        occupation_codes=(code,),
        lat=centre.lat,
        lng=centre.lng,
        travel_mode="bus",
        max_commute_minutes=60,
        availability=(),
        pay_expectation=None,
        kinds=frozenset({"job", "gig"}),
    )


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
                    q = showcase(q) if i == 0 else q
                    try:
                        body, _ = registration(demo_query(q), now)
                        create = SeekerCreate.model_validate(body)
                        await seekers_service.create(ctx, Principal(demo_id(i), Role.SEEKER), create)
                    except (ValidationError, ProblemError):
                        continue  # a generated profile the API refuses is simply not in the demo
                    made += 1
            await let_other_writers_in(settings)
        return made
    finally:
        await engine.dispose()
