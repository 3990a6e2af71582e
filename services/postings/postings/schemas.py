import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from services.kit.examples import dated_examples, local_time
from services.kit.schemas import (
    MONEY_PATTERN,
    AwareDatetime,
    CleanText,
    InputModel,
    OneLine,
    OutputModel,
    UtcDatetime,
    decimal_schema,
)
from services.postings.shifts.schemas import ShiftCreate, ShiftRead
from services.reference.certificates import lookup_certificate
from services.reference.geo import counties, haversine_km, in_china, nearest_county
from services.reference.occupations import get_occupation

# A point this far from its county's centroid is in another county (Shandong's largest is ~60 km across).
COUNTY_RADIUS_KM = 80.0


class PostingKind(StrEnum):
    JOB = "job"
    GIG = "gig"


class PostingStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class PayUnit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    PIECE = "piece"
    MONTH = "month"


class PhysicalDemand(StrEnum):
    SEDENTARY = "sedentary"
    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"


class Accommodation(StrEnum):
    STEP_FREE = "step_free"
    SEATED_WORK = "seated_work"
    SIGN_LANGUAGE = "sign_language"
    FLEXIBLE_HOURS = "flexible_hours"


class Flag(StrEnum):
    PUBLIC_WELFARE = "public_welfare"
    INTERNSHIP = "internship"
    MOM_POST = "mom_post"
    WORK_RELIEF = "work_relief"
    SHARED_STAFFING = "shared_staffing"
    LABOUR_BRAND = "labour_brand"


class Booking(StrEnum):
    INSTANT = "instant"
    REVIEW = "review"


Title = Annotated[str, StringConstraints(min_length=1, max_length=80), CleanText, OneLine]
Description = Annotated[str, StringConstraints(max_length=5000), CleanText]
Address = Annotated[str, StringConstraints(max_length=200), CleanText, OneLine]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=20), CleanText, OneLine]
Justification = Annotated[str, StringConstraints(min_length=1, max_length=500), CleanText]
OccupationCode = Annotated[str, StringConstraints(pattern=r"^\d-\d{2}-\d{2}-\d{2}$")]


class Location(InputModel):
    lat: Annotated[float, Field(ge=-90, le=90, description="GCJ-02 latitude")]
    lng: Annotated[float, Field(ge=-180, le=180, description="GCJ-02 longitude")]
    county_adcode: Annotated[
        str | None, Field(pattern=r"^\d{6}$", description="Shandong county; derived if absent")
    ] = None
    address: Address | None = None

    @model_validator(mode="after")
    def _in_service_area(self) -> Self:
        if not in_china(self.lat, self.lng):
            raise ValueError("the location is outside China")
        if self.county_adcode is None:
            county, distance = nearest_county(self.lat, self.lng)
            if distance > COUNTY_RADIUS_KM:
                raise ValueError("the location is outside Shandong's service area")
            self.county_adcode = county.adcode
            return self
        county_row = counties().get(self.county_adcode)
        if county_row is None:
            raise ValueError("county_adcode is not a Shandong county")
        if haversine_km(self.lat, self.lng, county_row.lat, county_row.lng) > COUNTY_RADIUS_KM:
            raise ValueError("the coordinates are not in the given county")
        return self


Money = Annotated[
    Decimal,
    Field(gt=0, le=1_000_000, max_digits=12, decimal_places=2),
    decimal_schema(MONEY_PATTERN, gt=0, le=1_000_000),
]


class Pay(InputModel):
    min: Money
    max: Money | None = None
    unit: PayUnit

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.max is not None and self.max < self.min:
            raise ValueError("pay.max must not be below pay.min")
        return self


def _certificates(values: list[str]) -> list[str]:
    codes: list[str] = []
    for name in values:
        cert = lookup_certificate(name)
        if cert is None:
            raise ValueError(f"unknown certificate: {name[:40]}")
        if cert.code not in codes:
            codes.append(cert.code)
    return codes


def _occupation(value: str | None) -> str | None:
    if value is not None and get_occupation(value) is None:
        raise ValueError("not a CSCO-2022 occupation code")
    return value


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


Certificates = Annotated[list[Annotated[str, StringConstraints(max_length=40)]], Field(max_length=10)]
Justifications = Annotated[
    dict[Annotated[str, StringConstraints(max_length=40)], Justification], Field(max_length=10)
]


def _example() -> dict[str, Any]:
    """A gig posting whose shift is tomorrow morning and which stays open for a month."""
    return {
        "employer_id": "3f0c7a2e-1b7d-4a53-9d0e-5b7c2d9e8a11",
        "kind": "gig",
        "title": "仓库装卸工（日结）",
        "description": "负责仓库货物装卸、搬运和码放。日结工资，提供午餐。男女不限，欢迎退役军人。",
        "occupation_code": "4-02-06-03",
        "location": {
            "lat": 36.6512,
            "lng": 117.1201,
            "county_adcode": "370102",
            "address": "济南市历下区工业南路57号",
        },
        "pay": {"min": "25", "max": "30", "unit": "hour"},
        "headcount": 6,
        "certificates": [],
        "physical_demand": "heavy",
        "accommodations": ["flexible_hours"],
        "flags": [],
        "booking": "instant",
        "valid_until": local_time(30, 23, 59, 59),
        "shifts": [{"starts_at": local_time(1, 8), "ends_at": local_time(1, 12), "headcount": 3}],
    }


class PostingFields(InputModel):
    """What an employer may set on a posting (all optional; PostingCreate makes some required)."""

    title: Title | None = None
    description: Description | None = None
    occupation_code: OccupationCode | None = None
    location: Location | None = None
    pay: Pay | None = None
    headcount: Annotated[int | None, Field(ge=1, le=10000)] = None
    education: ShortText | None = None
    experience_years: Annotated[int | None, Field(ge=0, le=50)] = None
    certificates: Certificates | None = None
    physical_demand: PhysicalDemand | None = None
    accommodations: Annotated[list[Accommodation] | None, Field(max_length=4)] = None
    flags: Annotated[list[Flag] | None, Field(max_length=6)] = None
    booking: Booking | None = None
    valid_until: AwareDatetime | None = None
    justifications: Justifications | None = None

    _occ = field_validator("occupation_code")(_occupation)

    @field_validator("certificates")
    @classmethod
    def _certs(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _certificates(v)

    @field_validator("accommodations", "flags")
    @classmethod
    def _dedupe(cls, v: list[Any] | None) -> list[Any] | None:
        return None if v is None else _unique(v)


class PostingCreate(PostingFields):
    model_config = ConfigDict(json_schema_extra=dated_examples(lambda: [_example()]))

    employer_id: uuid.UUID
    kind: PostingKind
    title: Title
    location: Location
    pay: Pay
    headcount: Annotated[int, Field(ge=1, le=10000)] = 1
    shifts: Annotated[list[ShiftCreate], Field(max_length=500)] = []

    @model_validator(mode="after")
    def _kind_rules(self) -> Self:
        if self.kind == PostingKind.JOB and self.shifts:
            raise ValueError("only gigs have shifts")
        if self.kind == PostingKind.JOB and self.booking is not None:
            raise ValueError("booking applies to gigs only")
        if self.kind == PostingKind.GIG and self.booking is None:
            self.booking = Booking.INSTANT
        return self


REQUIRED_ON_POSTING = ("title", "location", "pay", "headcount")


class PostingUpdate(PostingFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"title": "仓库装卸工（日结，含午餐）", "pay": {"min": "28", "unit": "hour"}}]
        }
    )

    @model_validator(mode="after")
    def _no_null_required(self) -> Self:
        for name in REQUIRED_ON_POSTING:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be removed")
        return self


class LocationRead(OutputModel):
    lat: float
    lng: float
    county_adcode: str
    address: str | None


class PayRead(OutputModel):
    min: Decimal
    max: Decimal | None
    unit: PayUnit


class PostingRead(OutputModel):
    id: uuid.UUID
    employer_id: uuid.UUID
    kind: PostingKind
    status: PostingStatus
    title: str
    description: str
    occupation_code: str | None
    location: LocationRead
    pay: PayRead
    headcount: int
    education: str | None
    experience_years: int | None
    certificates: list[str]
    physical_demand: PhysicalDemand | None
    accommodations: list[Accommodation]
    flags: list[Flag]
    booking: Booking | None
    justifications: dict[str, str]
    screening_notes: list[dict[str, Any]]
    valid_until: UtcDatetime | None
    published_at: UtcDatetime | None
    closed_at: UtcDatetime | None
    close_reason: str | None
    source: str | None
    external_id: str | None
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
    shifts: list[ShiftRead] = []
