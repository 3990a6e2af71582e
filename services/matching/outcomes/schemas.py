"""Application and engagement snapshots as the feed sends them (the fields read here; others kept)."""

import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.kit.examples import dated_examples, local_time
from services.kit.schemas import MAX_INT, InputModel, OutputModel, UtcDatetime

SubText = Annotated[str, Field(max_length=200)]


class _Snapshot(BaseModel):
    model_config = ConfigDict(extra="allow")


class ApplicationSnapshot(_Snapshot):
    id: uuid.UUID
    posting_id: uuid.UUID
    shift_id: uuid.UUID | None = None
    employer_id: uuid.UUID
    county_adcode: Annotated[str, Field(pattern=r"^\d{6}$")]
    seeker_id: SubText
    status: Annotated[str, Field(max_length=12)]
    source: Annotated[str, Field(max_length=10)]
    station_id: SubText | None = None
    referred_by: SubText | None = None
    decided_at: AwareDatetime | None = None
    engagement_id: uuid.UUID | None = None
    version: Annotated[int, Field(ge=1, le=MAX_INT)]
    created_at: AwareDatetime
    updated_at: AwareDatetime


class EngagementSnapshot(_Snapshot):
    id: uuid.UUID
    shift_id: uuid.UUID
    posting_id: uuid.UUID
    employer_id: uuid.UUID
    county_adcode: Annotated[str, Field(pattern=r"^\d{6}$")]
    seeker_id: SubText
    application_id: uuid.UUID | None = None
    status: Annotated[str, Field(max_length=24)]
    source: Annotated[str, Field(max_length=10)]
    station_id: SubText | None = None
    referred_by: SubText | None = None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    booked_at: AwareDatetime
    checked_out_at: AwareDatetime | None = None
    amount_due: Decimal | None = None
    booked_amount: Decimal | None = None
    paid_at: AwareDatetime | None = None
    version: Annotated[int, Field(ge=1, le=MAX_INT)]
    created_at: AwareDatetime
    updated_at: AwareDatetime


class PlacementRead(OutputModel):
    id: uuid.UUID
    seeker_id: str
    kind: str = Field(description="job (an accepted application) or gig (a paid engagement)")
    application_id: uuid.UUID | None
    engagement_id: uuid.UUID | None
    posting_id: uuid.UUID
    county_adcode: str
    station_id: str | None
    placed_at: UtcDatetime
    ends_at: UtcDatetime | None = Field(description="When a gig stops counting as work; none for a job")
    ended_at: UtcDatetime | None
    end_reason: str | None


class PlacementEnd(InputModel):
    """Staff record that the work ended (the feed does not say when a job ends)."""

    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda: [{"ended_at": local_time(-1, 17, 30), "reason": "contract_ended"}]
        )
    )

    ended_at: AwareDatetime
    reason: Annotated[str, Field(pattern=r"^(contract_ended|quit|dismissed|other)$")]
