"""The column layout of the shared real-postings file (seven platforms) → canonical records.

The mapping is documented, column by column, in docs/import-formats.md.
"""

import re
from decimal import Decimal
from typing import Any

from services.postings.imports.cleaning import (
    bounded,
    clean_text,
    county_for,
    money,
    one_line,
    parse_decimal,
    parse_float,
    parse_int,
    parse_time,
)
from services.postings.imports.rows import RowProblem

SIGNATURE = frozenset({"platform", "company", "salary_min", "salary_months", "first_published"})

EDUCATION = {
    "初中": "初中", "初中及以下": "初中",
    "高中": "高中", "普通高中": "高中",
    "中专/中技": "中专/中技", "中技/中专": "中专/中技", "中等专科": "中专/中技", "职业高中": "中专/中技",
    "技工学校": "中专/中技",
    "大专": "大专", "大学专科": "大专",
    "本科": "本科", "大学本科": "本科", "统招本科": "本科",
    "硕士": "硕士", "硕士研究生": "硕士",
    "博士": "博士", "博士研究生": "博士",
}  # fmt: skip
# Anything else (学历不限, 不限, 不限制, 其他, 小学, empty) is no requirement.

PIECE_BELOW = Decimal(20)
HOURLY_BELOW = Decimal(100)
DAILY_BELOW = Decimal(1000)
YEARLY_FROM = Decimal(100000)

_PER_PIECE = re.compile(r"[/每一]单|计件|[/每]件|单价")
_LIST_SEP = re.compile(r"[,，、/|;；]+")
_PERSON = re.compile(r"(个人|私人)(雇主|招聘)?|[\u4e00-\u9fff]{1,3}(先生|女士|小姐|阿姨|家庭)")
_SHOP = re.compile(r"(个体工商户|个体户)|(店|馆|铺|工作室|经营部|商行|门市部|超市|诊所)$")


def source_of(row: dict[str, str]) -> str:
    """The source a row came from: its platform, lower-cased ("51job", "ggfw_hrss_gd")."""
    return (row.get("platform") or "").strip().lower()


def employer_kind(name: str) -> str:
    if _PERSON.fullmatch(name):
        return "household"
    bare = re.sub(r"[(（][^)）]*[)）]$", "", name)
    if "个体工商户" in name or ("公司" not in name and _SHOP.search(bare)):
        return "shop"
    return "company"


def pay_of(row: dict[str, str]) -> dict[str, str | None]:
    """Salary columns → {min, max, unit}: per hour below 100 (per piece below 20 when the text pays by
    the order or piece), per day below 1,000, else per month.

    Figures of 100,000 and more are yearly packages, spread over the months paid (salary_months, else 12).
    """
    low = parse_decimal(row.get("salary_min", ""), "salary_min")
    high = parse_decimal(row.get("salary_max", ""), "salary_max")
    if not low:
        raise RowProblem("no_pay", "the posting gives no pay, or no lower bound for it")
    if high is not None and high < low:
        low, high = high, low
    top = high or low
    unit = "hour" if top < HOURLY_BELOW else "day" if top < DAILY_BELOW else "month"
    if top < PIECE_BELOW and _PER_PIECE.search(row.get("title", "") + row.get("description", "")):
        unit = "piece"
    if low >= YEARLY_FROM:
        months = parse_int(row.get("salary_months", ""), "salary_months", 1, 24) or 12
        low, high = low / max(months, 12), (high / max(months, 12) if high else None)
    high_text = money(high) if high is not None and high != low else None
    return {"min": money(low), "max": high_text, "unit": unit}


def location_of(row: dict[str, str]) -> dict[str, Any]:
    lat = parse_float(row.get("lat", ""), "lat")
    lng = parse_float(row.get("lng", ""), "lng")
    if lat is None or lng is None:
        raise RowProblem("no_coordinates", "the row has no coordinates")
    adcode = county_for(lat, lng)
    address = one_line(row.get("address") or "", 200) or one_line(row.get("region") or "", 200)
    return {"lat": lat, "lng": lng, "county_adcode": adcode, "address": address or None}


def description_of(row: dict[str, str]) -> str:
    tail = ""
    skills = _items(row.get("skills", ""))
    benefits = _items(row.get("benefits", ""))
    months = parse_int(row.get("salary_months", ""), "salary_months", 1, 24)
    if months and months > 12:
        benefits.append(f"{months}薪")
    if skills:
        tail += "\n技能：" + "、".join(skills)
    if benefits:
        tail += "\n福利：" + "、".join(benefits)
    body = clean_text(row.get("description", ""))
    return bounded(body, tail, 5000).strip()


def _items(value: str) -> list[str]:
    items = (" ".join(part.split())[:40] for part in _LIST_SEP.split(clean_text(value)))
    return list(dict.fromkeys(item for item in items if item))


def _required(row: dict[str, str], column: str, limit: int) -> str:
    value = one_line(row.get(column) or "", limit)
    if not value:
        raise RowProblem("missing_field", f"the {column} column is empty")
    return value


def map_row(row: dict[str, str]) -> dict[str, Any]:
    """One row of the real-postings layout as a canonical record, or RowProblem."""
    external_id = row.get("id", "").strip()
    if not external_id:
        raise RowProblem("missing_field", "the id column is empty")
    if len(external_id) > 128:
        raise RowProblem("bad_external_id", "an id has at most 128 characters")
    location = location_of(row)
    company = _required(row, "company", 200)
    record: dict[str, Any] = {
        "external_id": external_id,
        "employer": {"name": company, "kind": employer_kind(company), "uscc": None},
        "kind": "job",
        "title": _required(row, "title", 80),
        "description": description_of(row),
        "occupation_code": None,
        "location": location,
        "pay": pay_of(row),
        "headcount": 1,
        "education": EDUCATION.get(row.get("education", "").strip()),
        "experience_years": parse_int(row.get("experience_years", ""), "experience_years", 0, 50),
    }
    return record | {
        "certificates": [],
        "physical_demand": None,
        "accommodations": [],
        "flags": [],
        "booking": None,
        "valid_until": None,
        "status": "open",
        "shifts": [],
        "justifications": {},
        "published_at": parse_time(row.get("first_published", ""), "first_published"),
    }
