"""Seeded demo postings across Shandong's counties, as canonical records ("lingong.posting/1").

Same seed and `now` → the same data, byte for byte. Built only from the shipped classification and
gazetteer and the tables in data.py.
"""

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from services.postings.demo import places
from services.postings.demo.data import (
    GIG_BENEFITS,
    HOUSEHOLD_TRADES,
    INTERN_NAMES,
    INTERN_TRADES,
    LABOUR_BRANDS,
    RELIEF_PROJECTS,
    RELIEF_TRADES,
    SECTORS,
    SHOP_TRADES,
    TRADES,
    WELFARE_TRADES,
    LabourBrand,
    Sector,
    Trade,
)
from services.postings.demo.texts import Wording, certificate_line, description, title_for
from services.reference.geo import County, counties

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
NEW_EMPLOYER = 0.2  # ~1 employer per 5 postings
GIG_SCALE = 1.0  # trades' own gig shares already give ~30% gigs overall
# Shandong's first-tier minimum wage from 2025-10-01 (鲁政字〔2025〕140号): safe in every county.
MIN_MONTHLY = 2400
MIN_HOURLY = 24
SKILLED_PAY = 5000  # trades paying this much from the start ask for experience now and then
CATEGORIES = (("welfare", 0.03), ("relief", 0.02), ("brand", 0.02), ("intern", 0.03))
MOM_SHARE = 0.16  # of postings in trades whose hours can fit school runs


@dataclass
class DemoData:
    employers: list[dict[str, Any]]
    postings: list[dict[str, Any]]


@dataclass(slots=True)
class _Employer:
    record: dict[str, Any]
    county: County
    sector: str
    trades: tuple[str, ...]
    hours: tuple[str, ...]
    benefits: tuple[str, ...]
    brand: LabourBrand | None = None


@dataclass(slots=True)
class _Plan:
    """What one posting is before it is written out."""

    employer: _Employer
    trade: Trade
    gig: bool
    flags: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.employers: list[_Employer] = []
        self.pools: dict[str, list[_Employer]] = {}
        self.names: set[str] = set()
        self.usccs: set[str] = set()
        self.unplaced = list(counties().values())
        rng.shuffle(self.unplaced)

    def county(self) -> County:
        return self.unplaced.pop() if self.unplaced else places.pick_county(self.rng)

    def employer(self, pool: str, make: Callable[[], _Employer]) -> _Employer:
        members = self.pools.setdefault(pool, [])
        if members and self.rng.random() >= NEW_EMPLOYER:
            return self.rng.choice(members)
        members.append(make())
        return members[-1]

    def unique(self, name: str) -> str:
        n = 2
        candidate = name
        while candidate in self.names:
            candidate, n = f"{name}（{n}）", n + 1
        self.names.add(candidate)
        return candidate

    def register(self, kind: str, name: str, county: County, with_uscc: bool) -> dict[str, Any]:
        uscc = None
        while with_uscc and (uscc is None or uscc in self.usccs):
            uscc = places.uscc_for(self.rng, kind, county)
        if uscc:
            self.usccs.add(uscc)
        return {"name": self.unique(name), "kind": kind, "uscc": uscc, "county_adcode": county.adcode}

    def add(self, employer: _Employer) -> _Employer:
        self.employers.append(employer)
        return employer


def _sector_employer(b: _Builder, sector: Sector) -> _Employer:
    county = b.county()
    kinds, weights = zip(*sector.kinds, strict=True)
    kind = b.rng.choices(kinds, weights)[0]
    trades = sector.trades
    if kind == "shop":
        ending = b.rng.choice(sector.shop_names)
        record = b.register(kind, places.shop_name(b.rng, county, ending), county, b.rng.random() < 0.5)
        trades = SHOP_TRADES.get(ending, trades)
    elif kind == "household":
        record = b.register(kind, places.household_name(b.rng, county), county, False)
        trades = HOUSEHOLD_TRADES
    else:
        name = places.company_name(b.rng, county, b.rng.choice(sector.company_names))
        record = b.register(kind, name, county, True)
    return b.add(_Employer(record, county, sector.key, trades, sector.hours, sector.benefits))


def _public_employer(b: _Builder, relief: bool) -> _Employer:
    county = places.pick_county(b.rng)
    if relief:
        name = f"{county.name}以工代赈{b.rng.choice(RELIEF_PROJECTS)}项目"
        hours, trades = ("7:00-11:30，13:30-17:30，按项目进度安排",), RELIEF_TRADES
    else:
        name = f"{places.township(b.rng, county)}公益性岗位项目"
        hours, trades = ("8:00-12:00，14:00-17:00，周末轮休",), WELFARE_TRADES
    record = b.register("public_project", name, county, True)
    benefits = ("按时足额发放劳务报酬", "缴纳工伤保险") if relief else ("缴纳社会保险", "岗前培训")
    return b.add(_Employer(record, county, "public", trades, hours, benefits))


def _brand_employer(b: _Builder, brand: LabourBrand) -> _Employer:
    county = counties()[brand.county]
    record = b.register("company", places.company_name(b.rng, county, b.rng.choice(brand.company_names)),
                        county, True)  # fmt: skip
    sector = "crafts" if brand.trades == ("6-09-03-17",) else "manufacturing"
    return b.add(
        _Employer(record, county, sector, brand.trades, SECTORS[0].hours, SECTORS[0].benefits, brand)
    )


def _intern_employer(b: _Builder) -> _Employer:
    county = places.pick_county(b.rng)
    record = b.register(
        "company", places.company_name(b.rng, county, b.rng.choice(INTERN_NAMES)), county, True
    )
    hours = ("9:00-17:30，周末双休",)
    return b.add(
        _Employer(record, county, "services", INTERN_TRADES, hours, ("发放见习补贴", "缴纳意外伤害保险"))
    )


def _category(rng: random.Random) -> str:
    roll = rng.random()
    for name, share in CATEGORIES:
        if roll < share:
            return name
        roll -= share
    return "general"


def _pick_trade(rng: random.Random, codes: tuple[str, ...]) -> Trade:
    trades = [TRADES[c] for c in codes]
    return rng.choices(trades, [t.weight for t in trades])[0]


def _plan(b: _Builder) -> _Plan:
    category = _category(b.rng)
    if category == "welfare":
        employer = b.employer("welfare", lambda: _public_employer(b, relief=False))
    elif category == "relief":
        employer = b.employer("relief", lambda: _public_employer(b, relief=True))
    elif category == "brand":
        brand = b.rng.choice(LABOUR_BRANDS)
        employer = b.employer(f"brand:{brand.name}", lambda: _brand_employer(b, brand))
    elif category == "intern":
        employer = b.employer("intern", lambda: _intern_employer(b))
    else:
        sector = b.rng.choices(SECTORS, [s.weight for s in SECTORS])[0]
        employer = b.employer(sector.key, lambda: _sector_employer(b, sector))
    trade = _pick_trade(b.rng, employer.trades)
    gig = category not in ("welfare", "intern") and b.rng.random() < trade.gig * GIG_SCALE
    plan = _Plan(employer, trade, gig)
    plan.flags = _flags(b.rng, category, plan)
    return plan


def _flags(rng: random.Random, category: str, plan: _Plan) -> list[str]:
    flags = {"welfare": ["public_welfare"], "relief": ["work_relief"], "brand": ["labour_brand"],
             "intern": ["internship"]}.get(category, [])  # fmt: skip
    if category == "general" and plan.trade.mom and rng.random() < MOM_SHARE:
        flags.append("mom_post")
    return flags


def _round_to(value: float, step: int) -> int:
    return int(round(value / step) * step)


def _job_pay(rng: random.Random, plan: _Plan) -> dict[str, Any]:
    low, high = plan.trade.month
    if "public_welfare" in plan.flags:
        low, high = MIN_MONTHLY, 3000
    elif "internship" in plan.flags:
        low, high = 2600, 4000
    pay_min = max(_round_to(rng.uniform(low, max(low, high - 500)), 100), MIN_MONTHLY)
    spread = 0 if "public_welfare" in plan.flags else rng.choice((0, 500, 800, 1000, 1500, 2000))
    return {"min": str(pay_min), "max": str(pay_min + spread) if spread else None, "unit": "month"}


def _gig_pay(rng: random.Random, plan: _Plan, longest_hours: float) -> dict[str, Any]:
    low, high = plan.trade.hour
    hourly = rng.randint(max(low, MIN_HOURLY), max(high, MIN_HOURLY))
    if longest_hours >= 6 and rng.random() < 0.45:
        floor = math.ceil(MIN_HOURLY * max(longest_hours, 8) / 10) * 10
        daily = min(_round_to(hourly * longest_hours, 10), 400)
        return {"min": str(max(daily, floor)), "max": None, "unit": "day"}
    top = rng.choice((0, 0, 2, 5))
    return {"min": str(hourly), "max": str(hourly + top) if top else None, "unit": "hour"}


def _window(rng: random.Random, plan: _Plan) -> tuple[time, float]:
    """The daily window a gig's shifts share: a start time and a length in hours."""
    if "mom_post" in plan.flags:
        return time(9, rng.choice((0, 30))), rng.choice((3, 4, 5))
    start = rng.choices(range(6, 21), [6, 8, 9, 6, 4, 3, 4, 3, 3, 2, 3, 3, 3, 2, 1])[0]
    longest = 10 if start <= 10 else 8 if start <= 14 else 4
    return time(start, rng.choice((0, 0, 30))), rng.randint(2, longest)


def _shifts(rng: random.Random, now: datetime, plan: _Plan) -> list[dict[str, Any]]:
    start, hours = _window(rng, plan)
    days = sorted(rng.sample(range(1, 15), rng.randint(1, 5)))
    shifts = []
    for day in days:
        begins = datetime.combine(now.date() + timedelta(days=day), start, CHINA_TIME)
        ends = begins + timedelta(hours=hours)
        shifts.append(
            {"starts_at": begins.isoformat(), "ends_at": ends.isoformat(), "headcount": rng.randint(1, 10)}
        )
    return shifts


def _accommodations(rng: random.Random, plan: _Plan) -> list[str]:
    out = []
    light = plan.trade.demand in ("light", "sedentary")
    if plan.trade.seated and rng.random() < 0.4:
        out.append("seated_work")
    if light and plan.employer.record["kind"] == "company" and rng.random() < 0.15:
        out.append("step_free")
    if light and rng.random() < 0.04:
        out.append("sign_language")
    if "mom_post" in plan.flags or (plan.gig and rng.random() < 0.2):
        out.append("flexible_hours")
    return out


def _requirements(rng: random.Random, plan: _Plan) -> tuple[list[str], str | None, int | None]:
    """Requirement phrases, minimum education and years of experience."""
    lines = [certificate_line(plan.trade.certs)] if plan.trade.certs else []
    education = experience = None
    if "internship" in plan.flags:
        education = rng.choice(("大专", "本科"))
        lines.append(f"{education}及以上学历，离校两年内未就业的高校毕业生")
    elif not plan.gig and plan.trade.month[0] >= SKILLED_PAY and rng.random() < 0.4:
        experience = rng.randint(1, 3)
        lines.append(f"有{experience}年以上相关工作经验")
    elif not plan.gig and "public_welfare" not in plan.flags and rng.random() < 0.2:
        education = rng.choice(("初中", "高中", "中专/中技"))
        lines.append(f"{education}及以上学历")
    if not lines:
        lines.append("无经验可带教")
    return lines, education, experience


def _notes(plan: _Plan) -> list[str]:
    county = plan.employer.county.name
    notes = {
        "public_welfare": f"本岗位为{county}城乡公益性岗位，面向已登记的就业困难人员，由人社部门统一安置。",
        "work_relief": "以工代赈项目，就近组织群众务工，劳务报酬按时足额发放。",
        "internship": "本岗位为就业见习岗位，见习期6个月，见习期间发放见习补贴，期满考核合格可留用。",
        "mom_post": "本岗位为“妈妈岗”，上班时间方便接送孩子，欢迎宝妈宝爸报名。",
    }
    lines = [notes[f] for f in plan.flags if f in notes]
    if plan.employer.brand is not None:
        brand = plan.employer.brand
        lines.append(f"本岗位为“{brand.name}”劳务品牌用工岗位，提供{brand.training}。")
    return lines


def _pay_text(pay: dict[str, Any]) -> str:
    amount = f"{pay['min']}-{pay['max']}" if pay["max"] else pay["min"]
    unit = {"month": "元/月", "day": "元/天", "hour": "元/小时"}[pay["unit"]]
    return f"{amount}{unit}"


def _hours_text(rng: random.Random, plan: _Plan, shifts: list[dict[str, Any]]) -> str:
    if shifts:
        first = datetime.fromisoformat(shifts[0]["starts_at"])
        last = datetime.fromisoformat(shifts[0]["ends_at"])
        return f"每班{first:%H:%M}-{last:%H:%M}，共{len(shifts)}个班次，可选择其中部分班次"
    if "mom_post" in plan.flags:
        return "9:00-15:00，周末双休"
    return rng.choice(plan.employer.hours) if plan.employer.hours else "8:00-17:00"


def _posting(b: _Builder, index: int, plan: _Plan) -> dict[str, Any]:
    rng, employer = b.rng, plan.employer
    shifts = _shifts(rng, b.now, plan) if plan.gig else []
    pay = _gig_pay(rng, plan, _hours_of(shifts[0])) if shifts else _job_pay(rng, plan)
    headcount = (
        max(s["headcount"] for s in shifts) if shifts else rng.choice((1, 1, 2, 2, 3, 3, 5, 8, 10, 20))
    )
    requirements, education, experience = _requirements(rng, plan)
    accommodations = _accommodations(rng, plan)
    lat, lng = places.jitter(rng, employer.county)
    address = places.street_address(rng, employer.county, employer.sector)
    benefits = list(rng.sample(employer.benefits, min(len(employer.benefits), rng.randint(1, 3))))
    if plan.gig:
        benefits.insert(0, rng.choice(GIG_BENEFITS))
    wording = Wording(
        employer=employer.record["name"], address=address, pay=_pay_text(pay),
        hours=_hours_text(rng, plan, shifts), benefits=tuple(benefits), requirements=tuple(requirements),
        notes=tuple(_notes(plan)), accommodations=tuple(accommodations), headcount=headcount, gig=plan.gig,
    )  # fmt: skip
    extras = tuple(b for b in benefits if b in ("包吃住", "缴纳五险", "长白班"))
    return {
        "external_id": f"demo-{index + 1:05d}",
        "employer": dict(employer.record),
        "kind": "gig" if plan.gig else "job",
        "title": title_for(rng, plan.trade, plan.gig, extras),
        "description": description(rng, plan.trade, wording),
        "occupation_code": plan.trade.code,
        "location": {"lat": lat, "lng": lng, "county_adcode": employer.county.adcode, "address": address},
        "pay": pay,
        "headcount": headcount,
        "education": education,
        "experience_years": experience,
        "certificates": list(plan.trade.certs),
        "physical_demand": plan.trade.demand,
        "accommodations": accommodations,
        "flags": plan.flags,
        "booking": ("review" if employer.record["kind"] == "household" or rng.random() < 0.4 else "instant")
        if plan.gig
        else None,
        "valid_until": _valid_until(rng, b.now),
        "status": "open",
        "shifts": shifts,
        "justifications": {},
        "published_at": (b.now - timedelta(minutes=rng.randint(10, 14 * 24 * 60))).isoformat(
            timespec="minutes"
        ),
    }


def _hours_of(shift: dict[str, Any]) -> float:
    length = datetime.fromisoformat(shift["ends_at"]) - datetime.fromisoformat(shift["starts_at"])
    return length.total_seconds() / 3600


def _valid_until(rng: random.Random, now: datetime) -> str:
    day = now.date() + timedelta(days=rng.randint(30, 90))
    return datetime.combine(day, time(23, 59, 59), CHINA_TIME).isoformat()


def generate(n_postings: int = 3000, seed: int = 7, now: datetime | None = None) -> DemoData:
    """`n_postings` demo postings and the employers behind them; same seed and now → same data."""
    moment = (now or datetime.now(UTC)).astimezone(CHINA_TIME).replace(microsecond=0)
    builder = _Builder(random.Random(seed), moment)
    postings = [_posting(builder, i, _plan(builder)) for i in range(n_postings)]
    return DemoData(employers=[dict(e.record) for e in builder.employers], postings=postings)


def write_jsonl(data: DemoData, path: Path) -> None:
    """The postings as an import file in the JSON-lines layout."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for posting in data.postings:
            fh.write(json.dumps(posting, ensure_ascii=False, separators=(",", ":")) + "\n")
