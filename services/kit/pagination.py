"""Opaque cursor pagination with a hard cap on page size."""

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel

from services.kit.problems import InvalidInput

T = TypeVar("T")

CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"  # unpadded base64url, as encode_cursor writes it
PAGE_SIZE_CAP = "x-page-size-cap"  # marks `limit`: the contract sets its maximum from the service's settings


class BadCursor(InvalidInput):
    code, title, title_zh = "bad_cursor", "The cursor is not valid", "分页游标无效"


class PageTooLarge(InvalidInput):
    code, title, title_zh = "page_size_too_large", "The page size is over the cap", "每页数量超过上限"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageParams(BaseModel):
    limit: int
    after: tuple[str, str] | None  # (sort key as ISO datetime, id)


def encode_cursor(sort_key: datetime, item_id: object) -> str:
    raw = json.dumps([sort_key.isoformat(), str(item_id)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value: Any = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            raise ValueError(cursor)
        datetime.fromisoformat(value[0])
        return value[0], value[1]
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor() from exc


async def page_params(
    request: Request,
    limit: Annotated[
        int | None,
        Query(ge=1, description="Page size, at most the cap", json_schema_extra={PAGE_SIZE_CAP: True}),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=500,
            pattern=CURSOR_PATTERN,
            description="next_cursor of the page before (opaque: only a cursor the service issued is valid)",
        ),
    ] = None,
) -> PageParams:
    http = request.app.state.settings.http
    if limit is not None and limit > http.page_size_max:
        raise PageTooLarge(f"limit must be at most {http.page_size_max}", max=http.page_size_max)
    return PageParams(limit=limit or http.page_size_default, after=decode_cursor(cursor) if cursor else None)


PageDep = Annotated[PageParams, Depends(page_params)]
