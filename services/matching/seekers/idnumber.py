"""Resident identity card numbers (居民身份证号, GB 11643-1999): shape, check character, birth date.

18 characters: a 6-digit address code, the birth date as YYYYMMDD, a 3-digit sequence number, and a
check character over the first 17 (ISO 7064 MOD 11-2, "X" standing for ten).
"""

import re
from datetime import date

WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARS = "10X98765432"
# Province-level prefixes in use (mainland 11-65; 71 Taiwan, 81 Hong Kong, 82 Macao residence permits).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82}
)
_SHAPE = re.compile(r"\d{17}[\dX]")


def normalise_id_number(raw: str) -> str:
    """What people type (spaces, full-width digits, lower-case x) → the canonical form."""
    halfwidth = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in raw)
    return "".join(halfwidth.split()).upper()


def check_char(first17: str) -> str:
    """The 18th character of a number whose first 17 digits are given."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need 17 digits")
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date(number: str) -> date | None:
    """The birth date a well-formed number carries, or None when it is not a real date."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


def is_valid_id_number(number: str) -> bool:
    """Canonical shape, a province in use, a real birth date and the right check character."""
    if not _SHAPE.fullmatch(number) or int(number[:2]) not in PROVINCES:
        return False
    return birth_date(number) is not None and check_char(number[:17]) == number[17]


def mask_id_number(number: str) -> str:
    """370102198503151234 → 370************234: the first three and last three characters only."""
    return number[:3] + "*" * (len(number) - 6) + number[-3:]
