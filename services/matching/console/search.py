"""What a staff member typed into the search box, told apart: a phone, an ID number or a seeker id."""

import re
from dataclasses import dataclass

from services.matching.seekers.idnumber import is_valid_id_number, normalise_id_number
from services.matching.seekers.phone import MOBILE, normalise_phone
from services.matching.seekers.schemas import SEEKER_ID_PATTERN

_SEEKER_ID = re.compile(SEEKER_ID_PATTERN)


@dataclass(frozen=True, slots=True)
class Query:
    kind: str  # phone | id_number | seeker_id | invalid
    value: str


def classify(raw: str) -> Query:
    """An exact phone or ID number goes to the audited lookup; anything shaped like an id is tried as one."""
    text = raw.strip()
    phone = normalise_phone(text)
    if MOBILE.fullmatch(phone):
        return Query("phone", phone)
    number = normalise_id_number(text)
    if len(number) == 18 and number[:17].isdigit():
        return Query("id_number", number) if is_valid_id_number(number) else Query("invalid", "id_number")
    if _SEEKER_ID.fullmatch(text):
        return Query("seeker_id", text)
    return Query("invalid", "other")
