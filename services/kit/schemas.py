"""Base classes and string checks for API schemas: strict at the edge.

Use as `Annotated[str, StringConstraints(min_length=1, max_length=80), CleanText, OneLine]`.
"""

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

# The largest values the databases' integer columns hold (BIGINT / INTEGER; SQLite's INTEGER is 64-bit):
# a number from outside is checked against these before it reaches a query.
MAX_BIGINT = 2**63 - 1
MAX_INT = 2**31 - 1

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _clean(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters (such as NUL) are not allowed")
    return unicodedata.normalize("NFC", value).strip()


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("line breaks are not allowed here")
    return value


CleanText = AfterValidator(_clean)
OneLine = AfterValidator(_one_line)


class InputModel(BaseModel):
    """Request bodies: unknown fields are refused, strings are checked."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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

AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
"""In: a time must carry its offset; it is stored as UTC."""
