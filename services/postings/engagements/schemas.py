import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.kit.schemas import InputModel, OutputModel, UtcDatetime, decimal_schema
from services.postings.access.schemas import OnBehalf
from services.postings.applications.schemas import ApplicationRead, Note, Reason, Source


class EngagementStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    PAID = "paid"
    DISPUTED = "disputed"
    CANCELLED_BY_WORKER = "cancelled_by_worker"
    CANCELLED_BY_EMPLOYER = "cancelled_by_employer"
    NO_SHOW = "no_show"


class BookingCreate(OnBehalf):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{}, {"seeker_id": "seeker-3701-0042", "note": "站点推荐"}]}
    )

    note: Note | None = None


class Presence(InputModel):
    """Proof of being at the workplace: a GPS fix inside the geofence, or the employer's code."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"method": "geo", "lat": 36.6666, "lng": 117.0765},
                {"method": "code", "code": "482913"},
            ]
        }
    )

    method: Literal["geo", "code"]
    lat: Annotated[float | None, Field(ge=-90, le=90)] = None
    lng: Annotated[float | None, Field(ge=-180, le=180)] = None
    code: Annotated[str | None, StringConstraints(pattern=r"^\d{6}$")] = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.method == "geo" and (self.lat is None or self.lng is None or self.code is not None):
            raise ValueError("method geo takes lat and lng")
        if self.method == "code" and (self.code is None or self.lat is not None or self.lng is not None):
            raise ValueError("method code takes code")
        return self


_CENTS = r"(?:\.\d{1,2})?"
Hours = Annotated[
    Decimal,
    Field(gt=0, le=24, max_digits=4, decimal_places=2),
    decimal_schema(rf"^(?:(?:[1-9]|1\d|2[0-3]){_CENTS}|0\.(?:[1-9]\d?|0[1-9])|24(?:\.00?)?)$", gt=0, le=24),
]
Amount = Annotated[
    Decimal,
    Field(ge=0, le=100_000, max_digits=8, decimal_places=2),
    decimal_schema(rf"^(?:(?:0|[1-9]\d{{0,4}}){_CENTS}|100000(?:\.00?)?)$", ge=0, le=100_000),
]


class Confirmation(InputModel):
    """The employer's account of the hours worked and the amount due (left out: as booked)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"hours": "4", "amount": "100.00"}, {}]})

    hours: Hours | None = None
    amount: Amount | None = None


class NotPaidReport(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "老板说下周再给"}, {}]})

    note: Note | None = None


class Cancellation(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "家里有急事"}, {}]})

    reason: Reason | None = None


class EngagementRead(OutputModel):
    id: uuid.UUID
    shift_id: uuid.UUID
    posting_id: uuid.UUID
    employer_id: uuid.UUID
    county_adcode: str
    seeker_id: str
    application_id: uuid.UUID | None
    status: EngagementStatus
    source: Source
    station_id: str | None
    referred_by: str | None
    via_offer: bool
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    pay_rate: Decimal
    pay_unit: str
    booked_hours: Decimal
    booked_amount: Decimal | None
    booked_at: UtcDatetime
    checkin_deadline: UtcDatetime
    checked_in_at: UtcDatetime | None
    checkin_method: str | None
    checkin_distance_m: int | None
    checked_out_at: UtcDatetime | None
    checkout_method: str | None
    checkout_distance_m: int | None
    confirm_due_at: UtcDatetime | None
    confirmed_at: UtcDatetime | None
    confirmed_by: str | None
    hours: Decimal | None
    amount_due: Decimal | None
    payment_due_at: UtcDatetime | None
    not_paid_reported_at: UtcDatetime | None
    paid_at: UtcDatetime | None
    disputed_at: UtcDatetime | None
    cancelled_at: UtcDatetime | None
    cancel_reason: str | None
    late_cancel: bool
    worker_mark: str | None
    mark_removed_at: UtcDatetime | None
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime


class BookingRead(BaseModel):
    """`booked` (instant shift: the slot is yours) or `requested` (review shift: the employer decides)."""

    outcome: Literal["booked", "requested"]
    engagement: EngagementRead | None = None
    application: ApplicationRead | None = None


class CheckinCode(BaseModel):
    code: str = Field(description="Six digits; show it at the workplace")
    valid_from: UtcDatetime
    valid_until: UtcDatetime
    rotates_every_seconds: int
