import uuid
from typing import Annotated

from pydantic import ConfigDict, StringConstraints

from services.kit.schemas import CleanText, InputModel, OutputModel, UtcDatetime

Text500 = Annotated[str, StringConstraints(min_length=1, max_length=500), CleanText]


class AppealCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "当天早上突发急病去了医院，有病历为证"}]}
    )

    reason: Text500


class AppealDecision(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "已核实病历，撤销记录"}, {}]})

    note: Text500 | None = None


class AppealRead(OutputModel):
    id: uuid.UUID
    engagement_id: uuid.UUID
    seeker_id: str
    employer_id: uuid.UUID
    county_adcode: str
    station_id: str | None
    mark: str
    reason: str
    status: str
    decided_at: UtcDatetime | None
    decided_by: str | None
    decision_note: str | None
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
