import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, StringConstraints

from services.kit.schemas import CleanText, InputModel, OutputModel, UtcDatetime


class Resolution(StrEnum):
    PAID = "paid"  # the wage was paid after the dispute opened: still counted
    UNFOUNDED = "unfounded"  # staff found it had been paid on time: not counted
    REFERRED = "referred"  # handed to labour inspection (劳动保障监察): still counted, still unpaid


class DisputeResolve(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"resolution": "paid", "note": "站点协调后已足额支付"},
                {"resolution": "referred", "note": "已移交劳动保障监察大队"},
            ]
        }
    )

    resolution: Resolution
    note: Annotated[str, StringConstraints(min_length=1, max_length=500), CleanText] | None = None


class DisputeRead(OutputModel):
    id: uuid.UUID
    engagement_id: uuid.UUID
    employer_id: uuid.UUID
    county_adcode: str
    station_id: str | None
    seeker_id: str
    kind: str
    amount_due: Decimal | None
    status: str
    resolution: Resolution | None
    note: str | None
    opened_at: UtcDatetime
    resolved_at: UtcDatetime | None
    resolved_by: str | None
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
