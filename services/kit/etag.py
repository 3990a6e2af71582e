"""ETags on reads, If-Match on updates: 412 when stale, 428 when missing."""

from typing import Annotated

from fastapi import Header

from services.kit.problems import PreconditionFailed, PreconditionRequired


def make_etag(resource_id: object, version: int) -> str:
    return f'"{resource_id}.{version}"'


def check_if_match(if_match: str | None, current: str) -> None:
    if if_match is None or not if_match.strip():
        raise PreconditionRequired()
    candidates = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in candidates and current not in candidates:
        raise PreconditionFailed(current_etag=current)


IfMatchHeader = Annotated[
    str | None,
    Header(alias="If-Match", description="The ETag you read; required on updates", max_length=200),
]
IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Retry-safe key: a replay returns the first response (kept 24 h)",
        max_length=200,
    ),
]
