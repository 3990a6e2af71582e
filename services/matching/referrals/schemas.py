import uuid
from typing import Annotated, Literal

from pydantic import ConfigDict, StringConstraints, model_validator

from services.kit.schemas import CleanText, InputModel, OutputModel, UtcDatetime, exactly_one_of

Note = Annotated[str, StringConstraints(min_length=1, max_length=500), CleanText]


class ReferralCreate(InputModel):
    """A job (`posting_id`, with an optional note to the employer) or a gig shift (`shift_id`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"posting_id": "8e0c7a52-5c1f-4a8e-9d3b-1f2e3d4c5b6a", "note": "站点推荐：老焊工，住得近"},
                {"shift_id": "3f1d2c4b-5a69-4e8f-9c7b-6a5d4e3f2a1b"},
            ],
            **exactly_one_of("posting_id", "shift_id"),
        }
    )

    posting_id: uuid.UUID | None = None
    shift_id: uuid.UUID | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _one_target(self) -> "ReferralCreate":
        if (self.posting_id is None) == (self.shift_id is None):
            raise ValueError("name exactly one of posting_id (a job) or shift_id (a gig shift)")
        return self


class ReferralRead(OutputModel):
    id: uuid.UUID
    seeker_id: str
    station_id: str | None
    staff_sub: str
    posting_id: uuid.UUID
    shift_id: uuid.UUID | None
    outcome: Literal["applied", "booked", "requested"]
    application_id: uuid.UUID | None
    engagement_id: uuid.UUID | None
    created_at: UtcDatetime
