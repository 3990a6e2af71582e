"""Turning the text and numbers other platforms publish into clean canonical values."""

import heapq
import html
import math
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation

from services.postings.imports.rows import RowProblem
from services.reference.geo import counties, haversine_km, in_china

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991
SERVICE_RADIUS_KM = 60.0

_BREAK_TAGS = re.compile(r"<\s*(br|/p|p|li|/li|/div|div|/tr)\b[^<>]{0,200}>", re.IGNORECASE)
_OTHER_TAGS = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]{0,200})?/?>")
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2060\ufeff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\xa0\u3000\u2002-\u200a]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=CHINA_TIME)


def clean_text(value: str) -> str:
    """HTML fragments and stray control characters out; paragraphs kept; spaces collapsed."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\\n", "\n")
    text = _BREAK_TAGS.sub("\n", text)
    text = html.unescape(_OTHER_TAGS.sub("", text))
    text = _INVISIBLE.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def one_line(value: str, limit: int) -> str:
    text = " ".join(clean_text(value).split())
    return text[:limit].rstrip()


def bounded(body: str, tail: str, limit: int) -> str:
    """body + tail in at most `limit` characters; the body is cut, the tail kept whole."""
    if len(body) + len(tail) <= limit:
        return body + tail
    room = max(limit - len(tail) - 1, 0)
    return (body[:room].rstrip() + "…" + tail)[:limit]


def parse_decimal(value: str, field: str) -> Decimal | None:
    text = value.strip().replace(",", "").replace("，", "").removesuffix("元")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowProblem("bad_number", f"{field} is not a number") from None
    if not number.is_finite() or number < 0:
        raise RowProblem("bad_number", f"{field} must be a finite number, not negative")
    return number


def parse_int(value: str, field: str, low: int, high: int) -> int | None:
    number = parse_decimal(value, field)
    if number is None:
        return None
    if number != number.to_integral_value() or not low <= number <= high:
        raise RowProblem("bad_number", f"{field} must be a whole number from {low} to {high}")
    return int(number)


def parse_float(value: str, field: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise RowProblem("bad_number", f"{field} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RowProblem("bad_number", f"{field} must be finite")
    return number


def money(value: Decimal) -> str:
    """A decimal string as the canonical layout writes it: "4500", "41666.67"."""
    rounded = value.quantize(Decimal("0.01"))
    return str(int(rounded)) if rounded == rounded.to_integral_value() else f"{rounded:.2f}"


def parse_time(value: str, field: str, end_of_day: bool = False) -> str | None:
    """ISO-8601 with an offset; also "2024-10-09 11:34:24", "2026/12/31" and Excel day serials.

    Times without an offset are China time. A bare date is its start, or its last second with end_of_day.
    """
    text = value.strip()
    if not text:
        return None
    moment = _excel_serial(text) or _iso(text.replace("/", "-"), end_of_day)
    if moment is None:
        raise RowProblem("bad_date", f"{field} is not a date or time")
    return moment.isoformat()


def _excel_serial(text: str) -> datetime | None:
    if not re.fullmatch(r"\d{5}(\.\d+)?", text):
        return None
    days = float(text)
    if not 20000 <= days <= 80000:
        return None
    return (_EXCEL_EPOCH + timedelta(days=days)).replace(microsecond=0)


def _iso(text: str, end_of_day: bool) -> datetime | None:
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            day = date(*(int(p) for p in text.split("-")))
            return datetime.combine(day, time(23, 59, 59) if end_of_day else time(0), CHINA_TIME)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA_TIME)


# Shandong's bounding box widened by the service radius: a cheap first test before 137 distances.
_NEAR_SHANDONG = ((34.3 - 0.6, 38.5 + 0.6), (114.7 - 0.8, 122.8 + 0.8))


def _nearest(lat: float, lng: float) -> tuple[str, float]:
    """Nearest county centroid: a flat-earth shortlist of three, then great-circle distances."""
    scale = math.cos(math.radians(lat)) ** 2
    shortlist = heapq.nsmallest(
        3, counties().values(), key=lambda c: (c.lat - lat) ** 2 + scale * (c.lng - lng) ** 2
    )
    return min(((c.adcode, haversine_km(lat, lng, c.lat, c.lng)) for c in shortlist), key=lambda t: t[1])


def county_for(lat: float, lng: float) -> str:
    """The Shandong county whose centroid is within the service radius of the point, or RowProblem."""
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or not in_china(lat, lng):
        raise RowProblem("bad_coordinates", "the coordinates are not a place in China")
    (lat_lo, lat_hi), (lng_lo, lng_hi) = _NEAR_SHANDONG
    if lat_lo <= lat <= lat_hi and lng_lo <= lng <= lng_hi:
        adcode, distance = _nearest(lat, lng)
        if distance <= SERVICE_RADIUS_KM:
            return adcode
    raise RowProblem("outside_service_area", f"no Shandong county centre within {SERVICE_RADIUS_KM:g} km")
