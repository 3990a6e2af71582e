"""Factories for the ranking tests: a keyword occupation predictor, posting snapshots, seekers."""

import hashlib
import math
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from services.matching.contracts import SeekerQuery
from services.matching.occupations.meaning import DIM
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
HOME = (36.6512, 117.1201)  # 济南 历下区

KEYWORDS: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = (
    ("焊", (("6-18-02-04", 0.8), ("6-18-03-04", 0.2))),
    ("保洁", (("4-09-08-01", 1.0),)),
    ("叉车", (("6-30-05-01", 1.0),)),
    ("装卸", (("4-02-05-01", 1.0),)),
    ("搬运", (("4-02-05-01", 1.0),)),
    ("厨", (("4-03-02-01", 1.0),)),
    ("快递", (("4-02-07-08", 1.0),)),
    ("收银", (("4-01-02-04", 1.0),)),
    ("仓", (("4-02-06-01", 1.0),)),
    ("保安", (("4-07-05-01", 1.0),)),
    ("家政", (("4-10-01-06", 1.0),)),
)


def keyword_predictor(texts: Sequence[str]) -> list[list[tuple[str, float]]]:
    """A stand-in for the occupation coder: codes for the keywords a text contains."""
    out = []
    for text in texts:
        found: dict[str, float] = {}
        for word, codes in KEYWORDS:
            if word in text:
                for code, p in codes:
                    found[code] = found.get(code, 0.0) + p
        total = sum(found.values()) or 1.0
        out.append(sorted(((c, p / total) for c, p in found.items()), key=lambda cp: -cp[1]))
    return out


class CountingEngine:
    """A stand-in for the model of meaning: a fixed pseudo-random unit vector per text (no meaning at
    all, but deterministic); counts what it embeds."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return np.stack([self.vector(t) for t in texts]).astype(np.float32)

    @staticmethod
    def vector(text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(DIM)
        return np.asarray(v / np.linalg.norm(v))


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def offset(lat: float, lng: float, north_km: float = 0.0, east_km: float = 0.0) -> tuple[float, float]:
    """A point `north_km` north and `east_km` east of (lat, lng)."""
    dlat = north_km / 111.195
    dlng = east_km / (111.195 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


def shift(
    starts: datetime, hours: float = 4, headcount: int = 3, filled: int = 0, **extra: Any
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "posting_id": "",
        "starts_at": iso(starts),
        "ends_at": iso(starts + timedelta(hours=hours)),
        "headcount": headcount,
        "filled": filled,
        "status": "open",
        "version": 1,
    } | extra


def posting(
    title: str = "仓库装卸工",
    *,
    km: float = 1.0,
    north_km: float | None = None,
    east_km: float = 0.0,
    posting_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A `PostingRead`-shaped snapshot of an open job `km` north of HOME; keyword fields override."""
    lat, lng = offset(*HOME, north_km=km if north_km is None else north_km, east_km=east_km)
    snap: dict[str, Any] = {
        "id": posting_id or str(uuid.uuid4()),
        "employer_id": "3f0c7a2e-1b7d-4a53-9d0e-5b7c2d9e8a11",
        "kind": "job",
        "status": "open",
        "title": title,
        "description": "",
        "occupation_code": None,
        "location": {"lat": lat, "lng": lng, "county_adcode": "370102", "address": None},
        "pay": {"min": "25", "max": None, "unit": "hour"},
        "headcount": 2,
        "education": None,
        "experience_years": None,
        "certificates": [],
        "physical_demand": "light",
        "accommodations": [],
        "flags": [],
        "booking": None,
        "justifications": {},
        "screening_notes": [],
        "valid_until": iso(NOW + timedelta(days=30)),
        "published_at": iso(NOW - timedelta(days=1)),
        "closed_at": None,
        "close_reason": None,
        "source": None,
        "external_id": None,
        "version": 1,
        "created_at": iso(NOW - timedelta(days=1)),
        "updated_at": iso(NOW - timedelta(days=1)),
        "shifts": [],
    }
    snap.update(fields)
    if snap["kind"] == "gig" and "shifts" not in fields:
        snap["shifts"] = [shift(NOW + timedelta(days=1))]
        snap["booking"] = "instant"
    for s in snap["shifts"]:
        s["posting_id"] = snap["id"]
    return snap


def seeker(**fields: Any) -> SeekerQuery:
    values: dict[str, Any] = {
        "seeker_id": "s1",
        "lat": HOME[0],
        "lng": HOME[1],
        "travel_mode": "bus",
        "max_commute_minutes": 45,
        "desired_text": "装卸工",
        "age": 30,
        "now": NOW,
    }
    values.update(fields)
    return SeekerQuery(**values)


@pytest.fixture
def encoder() -> TextEncoder:
    return TextEncoder(keyword_predictor)


@pytest.fixture
def make_ranker(encoder: TextEncoder) -> Callable[[Sequence[dict[str, Any]]], Ranker]:
    def make(snapshots: Sequence[dict[str, Any]]) -> Ranker:
        index = PostingIndex(encoder)
        index.build(snapshots)
        return Ranker(index)

    return make
