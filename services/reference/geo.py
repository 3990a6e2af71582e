"""Shandong's county-level divisions with their centroids (GCJ-02), and distance helpers."""

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

EARTH_RADIUS_KM = 6371.0088

# Mainland China's bounding box (incl. islands): anything outside is not a place we serve.
CHINA_LAT = (3.8, 53.6)
CHINA_LNG = (73.5, 135.1)


@dataclass(frozen=True, slots=True)
class County:
    adcode: str
    name: str
    city_adcode: str
    city: str
    lng: float
    lat: float


@cache
def counties() -> dict[str, County]:
    path = resources.files("services.reference") / "data" / "shandong_counties.csv"
    with path.open(encoding="utf-8") as fh:
        return {
            r["adcode"]: County(
                r["adcode"], r["county"], r["city_adcode"], r["city"], float(r["lng"]), float(r["lat"])
            )
            for r in csv.DictReader(fh)
        }


def in_china(lat: float, lng: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LNG[0] <= lng <= CHINA_LNG[1]


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def nearest_county(lat: float, lng: float) -> tuple[County, float]:
    """The county whose centroid is nearest, and the distance to it in km."""
    best = min(counties().values(), key=lambda c: haversine_km(lat, lng, c.lat, c.lng))
    return best, haversine_km(lat, lng, best.lat, best.lng)
