"""Ids that carry their shard, for the tables that Citus would distribute by `county_adcode`
(docs/postgresql.md, "Citus: the plan").

A new id of a distributed row is a UUIDv8 (RFC 9562) whose first 24 bits hold the county adcode as a
number (370102 → `05a5b6…`); the rest is random, bar the version and variant bits. `county_of(id)` reads
the county back without a lookup, so a statement that names a row by id can also name its shard.
Ids made before this (random UUIDv4) carry no county: `county_of` returns None and the statement goes
without the county predicate (correct everywhere; on Citus it would ask every shard).
"""

import secrets
import uuid
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import QueryableAttribute

KEY = "county_adcode"
_COUNTY_SHIFT = 104  # 128 - 24 bits
_RANDOM = (1 << _COUNTY_SHIFT) - 1
_VERSION_MASK, _VERSION_8 = 0xF << 76, 0x8 << 76
_VARIANT_MASK, _VARIANT_RFC = 0x3 << 62, 0x2 << 62


def new_id(county_adcode: str) -> uuid.UUID:
    """A fresh id for a row of this county (a six-digit adcode)."""
    if len(county_adcode) != 6 or not county_adcode.isdigit():
        raise ValueError("a county adcode has six digits")
    value = (int(county_adcode) << _COUNTY_SHIFT) | (secrets.randbits(128) & _RANDOM)
    value = (value & ~_VERSION_MASK) | _VERSION_8
    value = (value & ~_VARIANT_MASK) | _VARIANT_RFC
    return uuid.UUID(int=value)


def county_of(ident: uuid.UUID) -> str | None:
    """The county an id carries; None for an id that carries none (an older random UUID)."""
    if ident.variant != uuid.RFC_4122 or (ident.int & _VERSION_MASK) != _VERSION_8:
        return None
    county = ident.int >> _COUNTY_SHIFT
    return f"{county:06d}" if 100000 <= county <= 999999 else None


def on(column: QueryableAttribute[Any], ident: uuid.UUID) -> list[ColumnElement[bool]]:
    """`column = ident`, and the county of `ident` on the same table: the row's shard, when the id
    (its own, or its posting's, shift's, engagement's) carries one."""
    conditions: list[ColumnElement[bool]] = [column == ident]
    if (county := county_of(ident)) is not None:
        conditions.append(getattr(column.class_, KEY) == county)
    return conditions


def within(model: type[Any], county_adcode: str, **equal: object) -> list[ColumnElement[bool]]:
    """`model.<name> = value` for each keyword, on the shard of a county already known (from a loaded
    parent row: this holds for rows with old ids too)."""
    conditions: list[ColumnElement[bool]] = [getattr(model, name) == value for name, value in equal.items()]
    conditions.append(getattr(model, KEY) == county_adcode)
    return conditions


def key(ident: uuid.UUID, county_adcode: str) -> dict[str, object]:
    """The mapper key of a distributed row (for `session.get`)."""
    return {"id": ident, KEY: county_adcode}
