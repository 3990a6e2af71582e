"""Unified social credit codes (统一社会信用代码, GB 32100-2015): format and check character.

A code is 18 characters: registration authority (1), entity type (1), administrative division (6 digits),
the entity's organisation code (9, GB 11714), and a check character over the first 17 (mod 31).
Only upper-case is valid here; callers normalise user input with `normalise_uscc` first.
"""

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_VALUE = {ch: i for i, ch in enumerate(CHARSET)}
_SHAPE = re.compile(rf"[{CHARSET}]{{2}}\d{{6}}[{CHARSET}]{{10}}")


def normalise_uscc(code: str) -> str:
    """What people type (spaces, lower case, full-width characters) → the canonical upper-case form."""
    halfwidth = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in code)
    return "".join(halfwidth.split()).upper()


def uscc_check_char(first17: str) -> str:
    """The 18th character of a code whose first 17 are given (GB 32100-2015, 4.3)."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise ValueError("need 17 characters of 0-9A-HJ-NP-RTUWXY")
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """18 characters of the code set, digits for the division code, and the right check character."""
    if len(code) != 18 or not _SHAPE.fullmatch(code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714-1997): digits, or X for ten."""
    if len(first8) != 8 or not all(c.isdigit() or "A" <= c <= "Z" for c in first8):
        raise ValueError("need 8 characters of 0-9A-Z")
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))
