import uuid
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, StringConstraints

from services.kit.schemas import CleanText, InputModel, OneLine, OutputModel, UtcDatetime
from services.postings.access.schemas import OnBehalf

Note = Annotated[str, StringConstraints(min_length=1, max_length=500), CleanText]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=200), CleanText, OneLine]


class ApplicationStatus(StrEnum):
    APPLIED = "applied"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Source(StrEnum):
    SELF = "self"
    STATION = "station"
    SERVICE = "service"


class ApplicationCreate(OnBehalf):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"note": "有三年焊工经验，持焊工证"},
                {"seeker_id": "seeker-3701-0042", "note": "站点推荐：老焊工，住得近"},
            ]
        }
    )

    note: Note | None = None


class ApplicationDecision(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "岗位已招满"}, {}]})

    reason: Reason | None = None


class ApplicationRead(OutputModel):
    id: uuid.UUID
    posting_id: uuid.UUID
    shift_id: uuid.UUID | None
    employer_id: uuid.UUID
    county_adcode: str
    seeker_id: str
    status: ApplicationStatus
    source: Source
    station_id: str | None
    referred_by: str | None
    note: str | None
    decided_at: UtcDatetime | None
    decided_by: str | None
    decision_reason: str | None
    engagement_id: uuid.UUID | None
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
