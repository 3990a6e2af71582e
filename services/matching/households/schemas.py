import uuid
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from services.kit.examples import dated_examples, local_time
from services.kit.schemas import CleanText, InputModel, OneLine, OutputModel, UtcDatetime

SEEKER_ID = r"^[A-Za-z0-9_.:-]{1,64}$"


class HouseholdCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"county_adcode": "370102", "reference": "燕山街道-0315"}]}
    )

    county_adcode: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
    reference: Annotated[str | None, StringConstraints(min_length=1, max_length=40), CleanText, OneLine] = (
        None
    )
    station_id: Annotated[str | None, StringConstraints(pattern=SEEKER_ID)] = Field(
        default=None, description="Admins only: the station that keeps the household"
    )


class MemberConsent(InputModel):
    method: Literal["in_person_signed", "in_person_verbal"]
    agreed_at: AwareDatetime


class MemberAdd(InputModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda: [
                {
                    "seeker_id": "seeker-3701-0042",
                    "consent": {"method": "in_person_signed", "agreed_at": local_time(-1, 9, 30)},
                }
            ]
        )
    )

    seeker_id: Annotated[str, StringConstraints(pattern=SEEKER_ID)]
    consent: MemberConsent = Field(description="The member's own consent to be counted in the household")


class MemberRead(BaseModel):
    seeker_id: str
    working_age: bool
    employed: bool
    added_at: UtcDatetime


class SpellRead(OutputModel):
    started_at: UtcDatetime
    ended_at: UtcDatetime | None
    ended_by: str | None


class HouseholdSummary(BaseModel):
    id: uuid.UUID
    county_adcode: str
    station_id: str | None
    reference: str | None
    status: str = Field(description="zero, cleared, or none (no member of working age who wants work)")
    zero_since: UtcDatetime | None
    days_at_zero: int = Field(description="Whole days in the current spell at zero (0 when not at zero)")
    total_days_at_zero: int = Field(description="Whole days at zero over every spell")


class HouseholdRead(HouseholdSummary):
    members: list[MemberRead]
    spells: list[SpellRead]
    version: int


class AlertRead(OutputModel):
    id: int
    household_id: uuid.UUID
    county_adcode: str
    station_id: str | None
    kind: str
    days_at_zero: int
    raised_at: UtcDatetime
    acknowledged_at: UtcDatetime | None
    acknowledged_by: str | None
