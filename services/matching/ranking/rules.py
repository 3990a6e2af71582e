"""The hard rules' constants and the legal rules on age, in one place (docs/ranking.md explains each)."""

from collections.abc import Iterable

from services.matching.contracts import TRAVEL_SPEED_KMH
from services.reference.certificates import lookup_certificate

# Roads are not straight: a straight-line km takes about 1.3 km of travel in Chinese towns
# (circuity factors measured for Chinese cities lie between 1.2 and 1.4).
DETOUR_FACTOR = 1.3

# Pay is compared per hour. A month is 21.75 working days (国家规定的月计薪天数) of 8 hours.
MONTH_HOURS = 21.75 * 8
PAY_UNIT_HOURS: dict[str, float] = {"hour": 1.0, "day": 8.0, "month": MONTH_HOURS}

MINIMUM_AGE = 16  # 劳动法 第15条: no employment under 16
ADULT_AGE = 18  # 16-17 are 未成年工: protected by 劳动法 第64-65条 and 未成年工特殊保护规定

# Work forbidden to 16-17 year olds (未成年工特殊保护规定 第3条; 保安服务管理条例 第16条 for guards).
MINOR_FORBIDDEN_OCCUPATIONS = (
    "6-16-",  # 采矿人员: mining, underground work
    "6-11-09-",  # 火工品制造、爆破: explosives
    "3-02-03-",  # 消防和应急救援人员: fire fighting and rescue
    "4-07-05-",  # 安全保护服务人员: security guards must be 18
)
# Special-operations certificates (特种作业操作证) and driving licences are issued only to adults.
MINOR_FORBIDDEN_CERTIFICATES = frozenset(
    {
        "welder",
        "electrician",
        "forklift",
        "work_at_height",
        "driving_c1",
        "driving_b2",
        "driving_a2",
        "crane",
        "boiler",
        "security_guard",
        "refrigeration",
    }
)
# Night shifts, touching 22:00-06:00 local, are not offered to 未成年工: this service's protective choice.
# National statute (劳动法 第64条, 未成年工特殊保护规定 第3条) lists the work minors may not do and night
# work is not on it, so postings offering it pass the checker (docs/screening.md); common labour-protection
# guidance treats night shifts as unsuitable for 16-17 year olds, and the ranking follows that.
NIGHT_START_MINUTE = 22 * 60
NIGHT_END_MINUTE = 6 * 60

NEUTRAL_RELIABILITY = 0.5


def commute_radius_km(travel_mode: str, minutes: int) -> float:
    """The straight-line radius a seeker reaches in `minutes` by `travel_mode`."""
    return TRAVEL_SPEED_KMH[travel_mode] * minutes / 60.0 / DETOUR_FACTOR


def travel_minutes(km: float, travel_mode: str) -> float:
    return km * DETOUR_FACTOR / TRAVEL_SPEED_KMH[travel_mode] * 60.0


def minors_forbidden(physical_demand: object, occupation_code: object, certificates: Iterable[str]) -> bool:
    """Whether a posting is closed to 16-17 year olds, by its physical demand, occupation or certificates."""
    if physical_demand == "heavy":
        return True
    if isinstance(occupation_code, str) and occupation_code.startswith(MINOR_FORBIDDEN_OCCUPATIONS):
        return True
    for name in certificates:
        cert = lookup_certificate(name)
        if cert is not None and cert.code in MINOR_FORBIDDEN_CERTIFICATES:
            return True
    return False
