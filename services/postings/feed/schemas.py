from typing import Any

from pydantic import BaseModel

from services.kit.schemas import UtcDatetime


class FeedEvent(BaseModel):
    seq: int
    type: str
    schema_version: int
    aggregate_id: str
    created_at: UtcDatetime
    data: dict[str, Any]


class FeedPage(BaseModel):
    events: list[FeedEvent]
    next: int
