"""Mainland mobile numbers: normalised on the way in, masked on the way out (138****1234)."""

import re

MOBILE = re.compile(r"1[3-9]\d{9}")


def normalise_phone(raw: str) -> str:
    """Spaces, dashes, full-width digits and a +86 / 0086 prefix removed."""
    text = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in raw)
    text = re.sub(r"[\s\-()]", "", text)
    for prefix in ("+86", "0086"):
        text = text.removeprefix(prefix)
    return text


def mask_phone(number: str) -> str:
    return number[:3] + "****" + number[-4:]
