"""What a staff member typed into the search box, told apart: a phone, an ID number, a seeker id or a
name (a Latin name can also be shaped like a seeker id: both are tried)."""

import re
from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError

from services.matching.seekers.idnumber import is_valid_id_number, normalise_id_number
from services.matching.seekers.phone import MOBILE, normalise_phone
from services.matching.seekers.schemas import SEEKER_ID_PATTERN, PersonName

_SEEKER_ID = re.compile(SEEKER_ID_PATTERN)
_NAME = TypeAdapter(PersonName)


@dataclass(frozen=True, slots=True)
class Query:
    kind: str  # phone | id_number | seeker_id | name | invalid
    value: str
    name: str | None = None  # the text as a name too, when it is a valid one


def as_name(text: str) -> str | None:
    """The text as the API would take a name (CleanText, no hidden characters, letters only), or None."""
    try:
        return _NAME.validate_python(text)
    except ValidationError:
        return None


def classify(raw: str) -> Query:
    """An exact phone or ID number goes to the audited lookup; anything shaped like an id is tried as one,
    and a valid name is searched by its exact lookup hash."""
    text = raw.strip()
    phone = normalise_phone(text)
    if MOBILE.fullmatch(phone):
        return Query("phone", phone)
    number = normalise_id_number(text)
    if len(number) == 18 and number[:17].isdigit():
        return Query("id_number", number) if is_valid_id_number(number) else Query("invalid", "id_number")
    name = as_name(text)
    if _SEEKER_ID.fullmatch(text):
        return Query("seeker_id", text, name)
    if name is not None:
        return Query("name", name, name)
    return Query("invalid", "other")
