"""Where demo employers are and what they are called: counties by population, addresses, names, USCCs."""

import bisect
import itertools
import math
import random
from functools import cache

from services.postings.demo.data import (
    BIG_CITIES,
    BRAND_CHARS,
    CITY_POPULATION,
    ROADS,
    SURNAMES,
    TOWN_STEMS,
    URBAN_DISTRICT_BOOST,
)
from services.postings.employers.uscc import CHARSET, org_code_check_char, uscc_check_char
from services.reference.geo import County, counties

JITTER_KM = 7.8
KM_PER_DEGREE_LAT = 111.195
USCC_PREFIX = {"company": "91", "shop": "92", "public_project": "11"}


@cache
def county_weights() -> tuple[tuple[County, ...], tuple[float, ...]]:
    """Every county with its cumulative weight: its city's population shared out, urban districts heavier."""
    by_city: dict[str, list[County]] = {}
    for county in counties().values():
        by_city.setdefault(county.city, []).append(county)
    weighted: list[tuple[County, float]] = []
    for city, members in by_city.items():
        share = CITY_POPULATION.get(city, 3.0) / len(members)
        for county in members:
            boost = URBAN_DISTRICT_BOOST if city in BIG_CITIES and county.name.endswith("区") else 1.0
            weighted.append((county, share * boost))
    return tuple(c for c, _ in weighted), tuple(itertools.accumulate(w for _, w in weighted))


def pick_county(rng: random.Random) -> County:
    places, cumulative = county_weights()
    return places[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def jitter(rng: random.Random, county: County) -> tuple[float, float]:
    """A point uniformly within JITTER_KM of the county's centroid."""
    distance = JITTER_KM * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    lat = county.lat + distance * math.cos(angle) / KM_PER_DEGREE_LAT
    lng = county.lng + distance * math.sin(angle) / (KM_PER_DEGREE_LAT * math.cos(math.radians(county.lat)))
    return round(lat, 6), round(lng, 6)


def short_name(county: County) -> str:
    """历下区 → 历下, 寿光市 → 寿光, 曹县 stays 曹县."""
    name = county.name
    return name[:-1] if len(name) > 2 and name[-1] in "区县市" else name


def street_address(rng: random.Random, county: County, sector: str) -> str:
    road = rng.choice(ROADS)
    number = rng.randint(1, 399)
    prefix = f"{county.city}{county.name}"
    if sector in ("manufacturing", "textiles", "food", "crafts") and rng.random() < 0.6:
        return f"{prefix}经济开发区{road}{number}号"
    rural = not county.name.endswith("区")
    if sector == "farming" or (sector == "public" and rural and rng.random() < 0.5):
        return f"{prefix}{rng.choice(TOWN_STEMS)}镇{rng.choice(SURNAMES)}家庄村"
    if sector == "construction":
        other = rng.choice([r for r in ROADS if r != road])
        return f"{prefix}{road}与{other}交叉口项目工地"
    return f"{prefix}{road}{number}号"


def company_name(rng: random.Random, county: County, ending: str) -> str:
    brand = "".join(rng.sample(BRAND_CHARS, 2))
    place = county.city.removesuffix("市") if rng.random() < 0.5 else short_name(county)
    return f"{place}{brand}{ending}"


def shop_name(rng: random.Random, county: County, ending: str) -> str:
    owner = rng.choice(SURNAMES)
    return f"{short_name(county)}{owner}记{ending}"


def township(rng: random.Random, county: County) -> str:
    return f"{county.name}{rng.choice(TOWN_STEMS)}{'街道' if county.name.endswith('区') else '镇'}"


def household_name(rng: random.Random, county: County) -> str:
    return f"{county.name}{rng.choice(SURNAMES)}姓家庭"


def uscc_for(rng: random.Random, kind: str, county: County) -> str:
    """A well-formed code for an entity registered in the county (GB 32100 and GB 11714 checks pass)."""
    if kind == "public_project":
        organisation = "".join(rng.choice("0123456789") for _ in range(8))
    else:
        organisation = "MA" + "".join(rng.choice(CHARSET) for _ in range(6))
    first17 = USCC_PREFIX[kind] + county.adcode + organisation + org_code_check_char(organisation)
    return first17 + uscc_check_char(first17)
