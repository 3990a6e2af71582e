"""The feed as the replica reads it, the snapshots it stores, and the status it reports.

Snapshots are checked for the fields the replica and the ranking read and keep every other field
(`extra="allow"`), so postings can add fields within a schema version without breaking us.
"""

import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from services.kit.schemas import MAX_BIGINT, MAX_INT, UtcDatetime


class FeedPageIn(BaseModel):
    """`GET /v1/feed`'s answer. Events stay raw (each is checked on its own when applied), but each must
    carry a readable `seq`, or the cursor could not move past it. `head` is read when the feed sends it."""

    events: list[dict[str, Any]]
    next: Annotated[int, Field(ge=0, le=MAX_BIGINT)]
    head: Annotated[int | None, Field(ge=0, le=MAX_BIGINT)] = None

    @field_validator("events")
    @classmethod
    def _every_event_has_a_seq(cls, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for e in events:
            seq = e.get("seq")
            if type(seq) is not int or not 1 <= seq <= MAX_BIGINT:
                raise ValueError(f"every event needs an integer seq from 1 to {MAX_BIGINT}")
        return events


class FeedEvent(BaseModel):
    seq: Annotated[int, Field(ge=1, le=MAX_BIGINT, strict=True)]
    type: Annotated[str, Field(min_length=1, max_length=60)]
    schema_version: Annotated[int, Field(strict=True, le=MAX_INT)]
    aggregate_id: Annotated[str, Field(max_length=64)]
    created_at: AwareDatetime
    data: dict[str, Any]


class _Snapshot(BaseModel):
    model_config = ConfigDict(extra="allow")


class ShiftSnapshot(_Snapshot):
    id: uuid.UUID
    posting_id: uuid.UUID
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    headcount: Annotated[int, Field(ge=0)]
    filled: Annotated[int, Field(ge=0)]
    status: Annotated[str, Field(max_length=20)]
    version: Annotated[int, Field(ge=1, le=MAX_INT)]


class LocationSnapshot(_Snapshot):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lng: Annotated[float, Field(ge=-180, le=180)]
    county_adcode: Annotated[str, Field(pattern=r"^\d{6}$")]


class PaySnapshot(_Snapshot):
    min: Decimal
    max: Decimal | None = None
    unit: Literal["hour", "day", "piece", "month"]


class PostingSnapshot(_Snapshot):
    id: uuid.UUID
    employer_id: uuid.UUID
    kind: Literal["job", "gig"]
    status: Literal["draft", "open", "paused", "closed"]
    title: Annotated[str, Field(max_length=200)]
    occupation_code: str | None = None
    location: LocationSnapshot
    pay: PaySnapshot
    headcount: Annotated[int, Field(ge=0)]
    version: Annotated[int, Field(ge=1, le=MAX_INT)]
    updated_at: AwareDatetime
    shifts: list[ShiftSnapshot] = []


class EmployerSnapshot(_Snapshot):
    id: uuid.UUID
    name: Annotated[str, Field(max_length=200)]
    kind: Annotated[str, Field(max_length=20)]
    verified: bool
    version: Annotated[int, Field(ge=1, le=MAX_INT)] = 1  # bulk imports announce a new employer without one
    owner_sub: Annotated[str | None, Field(max_length=200)] = None  # the account that manages it


class EmployerReliabilitySnapshot(_Snapshot):
    employer_id: uuid.UUID
    computed_at: AwareDatetime


ConsumerStateName = Literal["starting", "running", "backing_off", "stopped", "disabled"]


class ConsumerStatus(BaseModel):
    state: ConsumerStateName = Field(description="What this process's feed consumer is doing")
    last_error: str | None = Field(
        default=None, description="Class of the last failure (no URLs, no tokens)", examples=["ConnectError"]
    )
    last_error_cause: str | None = Field(
        default=None,
        description="What our client saw: a transport error class or an HTTP status",
        examples=["HTTP 503"],
    )
    consecutive_failures: int = 0
    last_poll_at: UtcDatetime | None = None


class SourceHealth(BaseModel):
    """Whether the replica reaches the postings feed it follows: false means matches are going stale."""

    reachable: bool | None = Field(
        description="True: the last poll answered; false: polls are failing; null: not polled yet, or the "
        "consumer is off in this process"
    )
    last_error_code: str | None = Field(
        default=None,
        description="While unreachable: what failed, an HTTP status or an error class (no URLs)",
        examples=["ConnectError", "HTTP 503"],
    )
    since: UtcDatetime | None = Field(default=None, description="While unreachable: since when")


class ReplicaStatus(BaseModel):
    source: str
    cursor: int = Field(description="Last feed seq applied (replica change and cursor commit together)")
    events_consumed: int = Field(description="Events taken past the cursor: applied, skipped, dead-lettered")
    last_applied_at: UtcDatetime | None = Field(description="When the last batch was committed here")
    last_event_at: UtcDatetime | None = Field(description="created_at of the last applied event")
    feed_head: int | None = Field(description="Newest seq the feed is known to hold, as of the last poll")
    lag_events: int | None = Field(description="feed_head - cursor")
    lag_events_exact: bool = Field(
        description="False when the last poll filled a whole page: then lag_events is a lower bound"
    )
    lag_seconds: float | None = Field(
        description="0 when caught up at the last poll, else now - last_event_at"
    )
    dead_letters: int
    consumer: ConsumerStatus
    source_health: SourceHealth
