"""Shandong's minimum wage per county class, loaded from shipped (or configured) data."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

PayUnit = Literal["hour", "day", "piece", "month"]

DEFAULT_PATH = Path(__file__).parent / "data" / "minimum_wage_shandong.json"
HOURS_PER_DAY = Decimal(8)
# 劳社部发〔2008〕3号: 21.75 paid days a month for converting a monthly wage to a daily one.
PAID_DAYS_PER_MONTH = Decimal("21.75")


@dataclass(frozen=True, slots=True)
class WageClass:
    name: str  # 一类 / 二类 / 三类
    monthly: Decimal
    hourly: Decimal


@dataclass(frozen=True, slots=True)
class MinimumWageTable:
    region: str
    source_document: str
    effective_date: date
    classes: dict[str, WageClass]
    county_classes: dict[str, str]  # adcode → class name
    county_names: dict[str, str]  # adcode → 历下区 …

    def class_of(self, adcode: str | None) -> WageClass | None:
        """The county's class, or None for an adcode the table does not know."""
        name = self.county_classes.get(adcode or "")
        return self.classes[name] if name else None

    def lowest(self) -> WageClass:
        """The lowest class: pay below it is below the minimum anywhere in the province."""
        return min(self.classes.values(), key=lambda c: c.monthly)

    def minimum(self, adcode: str | None, unit: PayUnit, full_time: bool) -> Decimal | None:
        """The least pay per `unit` in the county (its lowest class if unknown); None for piece rates.

        Full-time work is held to the monthly standard (per hour or day: the monthly figure spread over
        21.75 days of 8 hours); part-time work and gigs to the hourly standard (a day is 8 hours).
        """
        wage = self.class_of(adcode) or self.lowest()
        if unit == "piece":
            return None
        if full_time:
            per_day = wage.monthly / PAID_DAYS_PER_MONTH
            by_unit = {"month": wage.monthly, "day": per_day, "hour": per_day / HOURS_PER_DAY}
            return by_unit[unit].quantize(Decimal("0.01"))
        if unit == "month":
            return None  # a monthly sum for unknown part-time hours cannot be checked
        return wage.hourly * (HOURS_PER_DAY if unit == "day" else 1)


def _parse(raw: dict[str, object]) -> MinimumWageTable:
    classes_raw = raw["classes"]
    counties_raw = raw["counties"]
    if not isinstance(classes_raw, dict) or not isinstance(counties_raw, dict):
        raise ValueError("minimum wage data needs 'classes' and 'counties' objects")
    classes = {
        name: WageClass(name, Decimal(str(v["monthly"])), Decimal(str(v["hourly"])))
        for name, v in classes_raw.items()
    }
    county_classes = {adcode: str(v["class"]) for adcode, v in counties_raw.items()}
    county_names = {adcode: str(v.get("county", adcode)) for adcode, v in counties_raw.items()}
    unknown = set(county_classes.values()) - set(classes)
    if unknown:
        raise ValueError(f"minimum wage data: counties use undefined classes {sorted(unknown)}")
    return MinimumWageTable(
        region=str(raw["region"]),
        source_document=str(raw["source_document"]),
        effective_date=date.fromisoformat(str(raw["effective_date"])),
        classes=classes,
        county_classes=county_classes,
        county_names=county_names,
    )


@cache
def _load(path: Path) -> MinimumWageTable:
    return _parse(json.loads(path.read_text(encoding="utf-8")))


def load_minimum_wages(path: Path | None = None) -> MinimumWageTable:
    """The minimum wage table at `path`, or the shipped Shandong table (鲁政字〔2025〕140号)."""
    return _load((path or DEFAULT_PATH).resolve())
