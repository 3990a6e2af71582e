from typing import Any

from pydantic import BaseModel, Field

from services.kit.schemas import UtcDatetime


class FeedEvent(BaseModel):
    seq: int
    type: str
    schema_version: int
    aggregate_id: str
    created_at: UtcDatetime
    data: dict[str, Any]
    traceparent: str | None = Field(
        default=None,
        description="W3C trace context of the request that made the change (null when tracing is off)",
    )
    tracestate: str | None = Field(default=None, description="W3C tracestate that came with it")


class FeedPage(BaseModel):
    events: list[FeedEvent]
    next: int
