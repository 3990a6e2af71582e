"""Base classes and string checks for API schemas: strict at the edge.

Use as `Annotated[str, StringConstraints(min_length=1, max_length=80), CleanText, OneLine]`.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

# The largest values the databases' integer columns hold (BIGINT / INTEGER; SQLite's INTEGER is 64-bit):
# a number from outside is checked against these before it reaches a query.
MAX_BIGINT = 2**63 - 1
MAX_INT = 2**31 - 1

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Bidirectional controls reorder what staff see (an override can make "ABC" read "CBA").
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Invisible characters that make two equal-looking strings differ; removed rather than refused.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\u3164\uffa0\U000e0000-\U000e007f]")
_COMBINING_RUN = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{4,}")
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def _fold_compatible(char: str) -> str:
    """NFKC for letters and digits whose compatible form is ASCII (Ｗｅｌｄ, 𝐀, ﬁ, １２); others as typed.

    Full NFKC would also turn Chinese full-width punctuation (，：（）) into ASCII, which is not safe.
    """
    if not unicodedata.category(char).startswith(("L", "Nd")):
        return char
    folded = unicodedata.normalize("NFKC", char)
    return folded if folded != char and folded.isascii() and folded.isalnum() else char


def _script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    return next((s for s in _CONFUSABLE_SCRIPTS if name.startswith(s)), None)


def _mixes_scripts(value: str) -> bool:
    """A word mixing Latin, Cyrillic and Greek letters (Сhen with a Cyrillic С) is a spoof."""
    for word in re.findall(r"[^\W\d_]+", value):
        if len({_script(c) for c in word if c.isalpha()} - {None}) > 1:
            return True
    return False


def _clean(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters (such as NUL) are not allowed")
    if _BIDI.search(value):
        raise ValueError("bidirectional control characters (U+202A-202E, U+2066-2069) are not allowed")
    value = _INVISIBLE.sub("", value)
    if _COMBINING_RUN.search(value):
        raise ValueError("too many combining marks on one character")
    value = unicodedata.normalize("NFC", value)
    value = "".join(_fold_compatible(c) for c in value)
    if _mixes_scripts(value):
        raise ValueError("a word mixes Latin, Cyrillic or Greek letters that look alike")
    return value.strip()


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("line breaks are not allowed here")
    return value


# What CleanText and OneLine refuse outright, as the character class their JSON Schema `pattern` excludes,
# so the OpenAPI document says it (a generated client knows; a fuzzer does not send them as valid).
_REFUSED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff"
_LINE_BREAKS = r"\n\r"


@dataclass(frozen=True)
class _TextCheck:
    """A string check (run after the type's own) that also writes what it refuses into the schema."""

    check: Callable[[str], str]
    refused: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # On `str | None` the check wraps the whole union: null passes through (it used to reach the
        # regex and answer 500). It also runs on the raw value, before the model strips whitespace: a
        # refused character at an edge ("\fname") must be refused as the schema's pattern says, not
        # stripped away (found by make fuzz).
        after = core_schema.no_info_after_validator_function(self._unless_null, handler(source))
        return core_schema.no_info_before_validator_function(self._raw, after)

    def _raw(self, value: Any) -> Any:
        if isinstance(value, str) and value != value.strip():
            self.check(value)
        return value

    def _unless_null(self, value: str | None) -> str | None:
        return None if value is None else self.check(value)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        pattern = out.get("pattern")
        if pattern is None:
            out["pattern"] = f"^[^{self.refused}]*$"
        elif pattern.startswith("^[^") and pattern.endswith("]*$"):  # another _TextCheck's
            out["pattern"] = f"^[^{pattern[3:-3]}{self.refused}]*$"
        return out  # a pattern of the field's own is stricter than these and stays


CleanText = _TextCheck(_clean, _REFUSED)
OneLine = _TextCheck(_one_line, _LINE_BREAKS)


def decimal_schema(pattern: str, **bounds: float) -> WithJsonSchema:
    """A Decimal's schema as the validator reads it: a number in `bounds` with at most two places, or a
    string that `pattern` (which must say the same bounds) matches. Pydantic's own allows any string."""
    number = {"type": "number", "multipleOf": 0.01, **_json_bounds(bounds)}
    return WithJsonSchema({"anyOf": [number, {"type": "string", "pattern": pattern}]})


def _json_bounds(bounds: dict[str, float]) -> dict[str, float]:
    names = {"gt": "exclusiveMinimum", "ge": "minimum", "le": "maximum"}
    return {names[k]: v for k, v in bounds.items()}


_CENTS = r"(?:\.\d{1,2})?"
_SOME_CENTS = r"0\.(?:[1-9]\d?|0[1-9])"  # 0.01 to 0.99
MONEY_PATTERN = rf"^(?:[1-9]\d{{0,5}}{_CENTS}|{_SOME_CENTS}|1000000(?:\.00?)?)$"
"""0 < amount <= 1,000,000 with at most two places."""


def exactly_one_of(*names: str) -> dict[str, Any]:
    """JSON Schema for a model validator that wants exactly one of these fields given (not null)."""
    return {"oneOf": [{"required": [n], "properties": {n: {"not": {"type": "null"}}}} for n in names]}


def _numeric(annotation: Any) -> bool:
    """int, float or Decimal, bare or in a union (Annotated metadata is already stripped by pydantic)."""
    if annotation in (int, float, Decimal):
        return True
    return any(_numeric(arg) for arg in get_args(annotation) if arg is not type(None))


class InputModel(BaseModel):
    """Request bodies: unknown fields are refused, strings are checked, a number is not true/false."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        # Pydantic's lax mode reads true/false as 1/0; the schema says `integer`/`number`, which they are not.
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                value = data.get(field.alias or name)
                if isinstance(value, bool) and _numeric(field.annotation):
                    raise ValueError(f"{name} must be a number, not {str(value).lower()}")
        return data


class PatchModel(InputModel):
    """A partial update: fields left out stay as they are, but `NOT_NULL` fields cannot be set to null."""

    NOT_NULL: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_null_required(self) -> Self:
        for name in self.NOT_NULL:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be removed")
        return self


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("a time zone offset is required, e.g. 2026-12-01T08:00:00+08:00")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
"""Out: stored times are UTC (SQLite returns them naive)."""


def _not_a_number(value: object) -> object:
    if isinstance(value, int | float):
        raise ValueError("a date-time is an ISO 8601 string, not a number")
    return value


AwareDatetime = Annotated[datetime, BeforeValidator(_not_a_number), AfterValidator(_aware)]
"""In: a time must carry its offset; it is stored as UTC. Strict: a number (Unix time) is not a date-time."""
