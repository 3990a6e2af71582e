"""The flat spreadsheet layout of canonical records ("lingong_csv"), for station staff.

Lists are `|`-separated; shifts are `starts_at/ends_at/headcount` items; times without an offset are
China time; a bare date in valid_until means the end of that day. See docs/import-formats.md.
"""

from typing import Any

from services.postings.imports.cleaning import money, parse_decimal, parse_float, parse_int, parse_time
from services.postings.imports.rows import RowProblem
from services.reference.certificates import lookup_certificate

REQUIRED = ("external_id",)
COLUMNS = frozenset(
    """
    external_id employer_name employer_kind employer_uscc kind title description occupation_code
    lat lng county_adcode address pay_min pay_max pay_unit headcount certificates flags accommodations
    valid_until status education experience_years physical_demand booking shifts published_at
""".split()
)

PAY_UNITS = {"小时": "hour", "时": "hour", "天": "day", "日": "day", "件": "piece", "月": "month"}
KINDS = {"岗位": "job", "全职": "job", "零工": "gig"}


def check_header(columns: list[str]) -> None:
    unknown = [c for c in columns if c not in COLUMNS]
    missing = [c for c in REQUIRED if c not in columns]
    if unknown or missing:
        detail = "; ".join(
            part
            for part in (
                f"unknown columns: {', '.join(unknown[:10])}" if unknown else "",
                f"missing columns: {', '.join(missing)}" if missing else "",
            )
            if part
        )
        raise RowProblem("bad_header", f"not a lingong CSV header ({detail})")


def _cell(row: dict[str, str], name: str) -> str | None:
    return (row.get(name) or "").strip() or None


def _list(row: dict[str, str], name: str) -> list[str]:
    return [item.strip() for item in (row.get(name) or "").split("|") if item.strip()]


def _certificates(row: dict[str, str]) -> list[str]:
    names = _list(row, "certificates")
    return [cert.code if (cert := lookup_certificate(name)) else name for name in names]


def _location(row: dict[str, str]) -> dict[str, Any]:
    lat = parse_float(row.get("lat", ""), "lat")
    lng = parse_float(row.get("lng", ""), "lng")
    if lat is None or lng is None:
        raise RowProblem("no_coordinates", "lat and lng are both needed")
    return {
        "lat": lat,
        "lng": lng,
        "county_adcode": _cell(row, "county_adcode"),
        "address": _cell(row, "address"),
    }


def _pay(row: dict[str, str]) -> dict[str, Any]:
    low = parse_decimal(row.get("pay_min", ""), "pay_min")
    high = parse_decimal(row.get("pay_max", ""), "pay_max")
    unit = _cell(row, "pay_unit") or ""
    return {
        "min": money(low) if low is not None else None,
        "max": money(high) if high is not None else None,
        "unit": PAY_UNITS.get(unit.removeprefix("每").removeprefix("按"), unit.lower()) or None,
    }


def _shifts(row: dict[str, str]) -> list[dict[str, Any]]:
    shifts = []
    for item in _list(row, "shifts"):
        parts = [p.strip() for p in item.split("/")]
        if len(parts) != 3:
            raise RowProblem("bad_shift", "a shift is written starts_at/ends_at/headcount")
        shifts.append(
            {
                "starts_at": parse_time(parts[0], "shift start"),
                "ends_at": parse_time(parts[1], "shift end"),
                "headcount": parse_int(parts[2], "shift headcount", 1, 10000),
            }
        )
    return shifts


def _employer(row: dict[str, str]) -> dict[str, Any]:
    uscc = _cell(row, "employer_uscc")
    return {
        "name": _cell(row, "employer_name"),
        "kind": (_cell(row, "employer_kind") or "company").lower(),
        "uscc": "".join(uscc.split()).upper() if uscc else None,
    }


def map_row(row: dict[str, str]) -> dict[str, Any]:
    """One spreadsheet row as a canonical record; conversions only, the schema validates the rest."""
    external_id = _cell(row, "external_id")
    if external_id is None:
        raise RowProblem("missing_field", "the external_id cell is empty")
    kind = _cell(row, "kind") or "job"
    return {
        "external_id": external_id,
        "employer": _employer(row),
        "kind": KINDS.get(kind, kind.lower()),
        "title": _cell(row, "title"),
        "description": (row.get("description") or "").strip(),
        "occupation_code": _cell(row, "occupation_code"),
        "location": _location(row),
        "pay": _pay(row),
        "headcount": parse_int(row.get("headcount", ""), "headcount", 1, 10000) or 1,
        "education": _cell(row, "education"),
        "experience_years": parse_int(row.get("experience_years", ""), "experience_years", 0, 50),
        "certificates": _certificates(row),
        "physical_demand": _cell(row, "physical_demand"),
        "accommodations": _list(row, "accommodations"),
        "flags": _list(row, "flags"),
        "booking": _cell(row, "booking"),
        "valid_until": parse_time(row.get("valid_until", ""), "valid_until", end_of_day=True),
        "status": _cell(row, "status") or "open",
        "shifts": _shifts(row),
        "justifications": {},
        "published_at": parse_time(row.get("published_at", ""), "published_at"),
    }
