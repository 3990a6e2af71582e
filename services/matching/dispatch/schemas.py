"""The morning dispatch's API schemas."""

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.kit.schemas import CleanText, InputModel, UtcDatetime
from services.matching.seekers.schemas import SeekerId

Outcome = Literal["booked", "requested", "refused", "unreachable"]


class CheckinCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"seeker_id": "seeker-1"}]})

    seeker_id: SeekerId = Field(description="The registered seeker staff tick in")


class SelfCheckin(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "K7QZ2MXA"}]})

    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z2-7]{8}$")] = Field(
        description="Today's check-in code of the station, from its QR code"
    )


class CheckinCode(BaseModel):
    station_id: str
    day: date
    code: str = Field(description="Changes every China day")
    url: str = Field(description="What the station's QR code opens: the mobile client's check-in")


class CheckinRead(BaseModel):
    seeker_id: str
    roll: int = Field(description="The worker's number on this morning's roll, in check-in order")
    phone: str | None = Field(description="Masked: 138****1234")
    name: str | None = Field(default=None, description="Masked: 王*明 (None: no name on file)")
    method: Literal["staff", "self"]
    checked_in_at: UtcDatetime


class RollRead(BaseModel):
    station_id: str
    day: date = Field(description="Today in China time")
    items: list[CheckinRead]


class ShiftRead(BaseModel):
    shift_id: uuid.UUID
    posting_id: uuid.UUID
    title: str
    employer: str | None
    address: str | None
    starts_at: UtcDatetime
    ends_at: UtcDatetime


class BoardShiftRead(ShiftRead):
    headcount: int
    free: int = Field(description="Places still free, as the replica last heard")
    reachable: int = Field(description="How many of the workers here may take it")


class BoardRead(BaseModel):
    station_id: str
    day: date
    present: int = Field(description="Workers checked in today")
    shifts: list[BoardShiftRead]


class ResultRead(BaseModel):
    """What the postings service did with this worker's booking."""

    outcome: Outcome
    code: str | None = Field(description="The postings service's problem code when refused (shift_full, …)")
    title: str | None
    title_zh: str | None
    engagement_id: uuid.UUID | None
    at: UtcDatetime


class PairRead(BaseModel):
    roll: int
    seeker_id: str
    phone: str | None
    name: str | None = Field(default=None, description="Masked: 王*明")
    shift: ShiftRead | None = Field(description="None: no job today")
    proposed_shift_id: uuid.UUID | None = Field(description="What 分配 proposed, before any swap")
    swapped: bool
    score: float | None = Field(description="The ranking's match score of this pair")
    fairness: float = Field(description="Days since last work and priority boost, in score units")
    days_since_work: int | None = Field(description="None: never got work through a dispatch")
    result: ResultRead | None


class SwapRead(BaseModel):
    seeker_id: str
    from_shift_id: uuid.UUID | None
    to_shift_id: uuid.UUID | None
    with_seeker_id: str | None
    reason: str
    staff_sub: str
    at: UtcDatetime


class PlanRead(BaseModel):
    id: uuid.UUID
    station_id: str
    day: date
    status: Literal["proposed", "confirmed"]
    total_value: float = Field(description="The optimum 分配 found: Σ (score + fairness) over assigned pairs")
    assigned: int
    no_job: int
    items: list[PairRead]
    swaps: list[SwapRead]


class SwapCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "seeker_id": "seeker-1",
                    "shift_id": "0b7c2d9e-8a11-4a53-9d0e-5b7c3f0c7a2e",
                    "swap_with": "seeker-2",
                    "reason": "他住得离这个工地更近",
                }
            ]
        }
    )

    seeker_id: SeekerId
    shift_id: uuid.UUID | None = Field(description="The shift to move the worker to; null: no job today")
    swap_with: SeekerId | None = Field(
        default=None, description="The worker on that shift who takes this worker's place in exchange"
    )
    reason: Annotated[str, StringConstraints(min_length=2, max_length=500), CleanText] = Field(
        description="Why (recorded with the plan)"
    )
