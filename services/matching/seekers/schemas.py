"""Seekers' API schemas: the profile, consent and audit records. Sensitive data is in sensitive_schemas."""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from services.kit.examples import dated_examples, local_time
from services.kit.schemas import (
    MONEY_PATTERN,
    AwareDatetime,
    CleanText,
    InputModel,
    OneLine,
    OutputModel,
    PatchModel,
    UtcDatetime,
    decimal_schema,
    exactly_one_of,
)
from services.matching.seekers.idnumber import normalise_id_number
from services.matching.seekers.names import MAX_NAME_LENGTH, check_name, refuse_invisible
from services.matching.seekers.phone import normalise_phone
from services.reference.certificates import lookup_certificate
from services.reference.geo import counties, haversine_km, in_china, nearest_county
from services.reference.occupations import get_occupation

# A point this far from its county's centroid is in another county (Shandong's largest is ~60 km across).
COUNTY_RADIUS_KM = 80.0

SEEKER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@|-]{0,63}$"
SeekerId = Annotated[str, StringConstraints(pattern=SEEKER_ID_PATTERN)]
StationId = Annotated[str, StringConstraints(pattern=SEEKER_ID_PATTERN)]
Adcode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]


class TravelMode(StrEnum):
    WALK = "walk"
    EBIKE = "ebike"
    BUS = "bus"
    CAR = "car"


class PayUnit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    PIECE = "piece"
    MONTH = "month"


class Accommodation(StrEnum):
    STEP_FREE = "step_free"
    SEATED_WORK = "seated_work"
    SIGN_LANGUAGE = "sign_language"
    FLEXIBLE_HOURS = "flexible_hours"


class Kind(StrEnum):
    JOB = "job"
    GIG = "gig"


class ConsentPurpose(StrEnum):
    MATCHING = "matching"
    SHARE_CONTACT = "share_contact_with_employers"
    SENSITIVE = "sensitive_for_priority_help"


class ConsentMethod(StrEnum):
    IN_PERSON_SIGNED = "in_person_signed"
    IN_PERSON_VERBAL = "in_person_verbal"
    APP = "app"


def _phone(value: object) -> object:
    return normalise_phone(value) if isinstance(value, str) else value


def _occupation(value: str) -> str:
    if get_occupation(value) is None:
        raise ValueError("not a CSCO-2022 occupation code")
    return value


def _certificate(value: str) -> str:
    cert = lookup_certificate(value)
    if cert is None:
        raise ValueError(f"unknown certificate: {value[:40]}")
    return cert.code


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


DesiredText = Annotated[str, StringConstraints(min_length=1, max_length=200), CleanText, OneLine]
Address = Annotated[str, StringConstraints(min_length=1, max_length=200), CleanText, OneLine]
FormerEmployer = Annotated[str, StringConstraints(min_length=2, max_length=100), CleanText, OneLine]
OccupationCode = Annotated[str, StringConstraints(pattern=r"^\d-\d{2}-\d{2}-\d{2}$")]
PersonName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH),
    AfterValidator(refuse_invisible),
    CleanText,
    OneLine,
    AfterValidator(check_name),
]
# The pattern before the normaliser, so the schema shows it (the normaliser still runs first).
Phone = Annotated[str, StringConstraints(pattern=r"^1[3-9]\d{9}$"), BeforeValidator(_phone)]
BirthYear = Annotated[int, Field(ge=1900, le=2100)]
BirthMonth = Annotated[int, Field(ge=1, le=12)]
Commute = Annotated[int, Field(ge=5, le=180, description="Minutes one way")]
Experience = Annotated[int, Field(ge=0, le=60, description="Years of relevant experience")]


class HomeIn(InputModel):
    """Coordinates (GCJ-02) in Shandong, or just a county: its centroid then stands in, marked approximate."""

    lat: Annotated[float | None, Field(ge=-90, le=90)] = None
    lng: Annotated[float | None, Field(ge=-180, le=180)] = None
    county_adcode: Adcode | None = None
    address: Address | None = Field(default=None, description="Village or street, in the seeker's words")

    @model_validator(mode="after")
    def _in_service_area(self) -> Self:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        if self.lat is None or self.lng is None:
            if self.county_adcode is None:
                raise ValueError("give coordinates or a county_adcode")
            if self.county_adcode not in counties():
                raise ValueError("county_adcode is not a Shandong county")
            return self
        if not in_china(self.lat, self.lng):
            raise ValueError("the location is outside China")
        if self.county_adcode is None:
            county, distance = nearest_county(self.lat, self.lng)
            if distance > COUNTY_RADIUS_KM:
                raise ValueError("the location is outside Shandong's service area")
            self.county_adcode = county.adcode
            return self
        row = counties().get(self.county_adcode)
        if row is None:
            raise ValueError("county_adcode is not a Shandong county")
        if haversine_km(self.lat, self.lng, row.lat, row.lng) > COUNTY_RADIUS_KM:
            raise ValueError("the coordinates are not in the given county")
        return self


class WindowIn(InputModel):
    """Available on `weekday` (0 = Monday) from `start_minute` to `end_minute` past midnight, Beijing time."""

    weekday: Annotated[int, Field(ge=0, le=6)]
    start_minute: Annotated[int, Field(ge=0, le=1439)]
    end_minute: Annotated[int, Field(ge=1, le=1440)]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end_minute <= self.start_minute:
            raise ValueError("end_minute must be after start_minute")
        return self


class PayExpectationIn(InputModel):
    amount: Annotated[
        Decimal,
        Field(gt=0, le=1_000_000, max_digits=12, decimal_places=2),
        decimal_schema(MONEY_PATTERN, gt=0, le=1_000_000),
    ]
    unit: PayUnit


class ConsentIn(InputModel):
    """What the seeker agreed to, how, and when (default: now)."""

    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda: [
                {
                    "purposes": ["matching", "sensitive_for_priority_help"],
                    "method": "in_person_signed",
                    "agreed_at": local_time(-1, 9, 30),
                }
            ]
        )
    )

    purposes: Annotated[list[ConsentPurpose], Field(min_length=1, max_length=3)]
    method: ConsentMethod
    agreed_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _dedupe(self) -> Self:
        self.purposes = _unique(self.purposes)
        return self


class _ProfileFields(InputModel):
    """What a seeker (or staff for them) may set; SeekerCreate makes some required."""

    desired_text: DesiredText | None = Field(default=None, description="The work wanted, in own words")
    occupation_codes: Annotated[list[OccupationCode] | None, Field(max_length=10)] = None
    home: HomeIn | None = None
    travel_mode: TravelMode | None = None
    max_commute_minutes: Commute | None = None
    availability: Annotated[list[WindowIn] | None, Field(max_length=28)] = None
    pay_expectation: PayExpectationIn | None = None
    certificates: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] | None,
        Field(max_length=20, description="Codes or names (焊工证, 健康证 …)"),
    ] = None
    experience_years: Experience | None = None
    accommodations: Annotated[list[Accommodation] | None, Field(max_length=4)] = None
    kinds: Annotated[list[Kind] | None, Field(min_length=1, max_length=2)] = None
    birth_year: BirthYear | None = None
    birth_month: BirthMonth | None = None
    phone: Phone | None = Field(default=None, description="Mainland mobile; always masked in responses")
    name: PersonName | None = Field(
        default=None,
        description="Optional: the seeker's name, stored encrypted; always masked in responses (王*明)",
    )

    @model_validator(mode="after")
    def _normalise_lists(self) -> Self:
        if self.occupation_codes is not None:
            self.occupation_codes = _unique([_occupation(c) for c in self.occupation_codes])
        if self.certificates is not None:
            self.certificates = _unique([_certificate(c) for c in self.certificates])
        for name in ("accommodations", "kinds"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, _unique(value))
        return self


_CREATE_EXAMPLE: dict[str, Any] = {
    "desired_text": "焊工，会开叉车",
    "occupation_codes": ["6-18-02-04"],
    "home": {"county_adcode": "370832", "address": "梁山县拳铺镇某村"},
    "travel_mode": "ebike",
    "max_commute_minutes": 30,
    "availability": [{"weekday": 0, "start_minute": 480, "end_minute": 1080}],
    "pay_expectation": {"amount": "200", "unit": "day"},
    "certificates": ["焊工证", "叉车证"],
    "experience_years": 5,
    "accommodations": ["flexible_hours"],
    "kinds": ["job", "gig"],
    "birth_year": 1975,
    "birth_month": 6,
    "phone": "13812341234",
    "name": "王小明",
    "consent": {"purposes": ["matching"], "method": "app"},
}


class SeekerCreate(_ProfileFields):
    """A new profile. A seeker registers themself (id = their token's subject); staff register someone
    on their behalf at their station with the consent they recorded."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CREATE_EXAMPLE]})

    seeker_id: SeekerId | None = Field(
        default=None, description="Staff only: the seeker's account id, if they have one (else one is made)"
    )
    home: HomeIn
    birth_year: BirthYear
    birth_month: BirthMonth
    registered_by_station: StationId | None = Field(
        default=None, description="Staff only: the station registering (defaults to the token's station)"
    )
    consent: ConsentIn | None = Field(default=None, description="Required: must include `matching`")
    former_employer: FormerEmployer | None = Field(
        default=None,
        description="Optional: the employer the seeker last worked for (a layoff signal for the market "
        "watch; counted in aggregate only, never shown to employers)",
    )

    @model_validator(mode="after")
    def _wants_something(self) -> Self:
        if not self.desired_text and not self.occupation_codes:
            raise ValueError("give desired_text, occupation_codes or both")
        return self


class SeekerUpdate(_ProfileFields, PatchModel):
    """A partial edit: fields left out stay as they are; null removes an optional field."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"max_commute_minutes": 45, "travel_mode": "bus", "phone": None}]}
    )

    NOT_NULL: ClassVar[tuple[str, ...]] = (
        "occupation_codes",
        "home",
        "travel_mode",
        "max_commute_minutes",
        "availability",
        "certificates",
        "experience_years",
        "accommodations",
        "kinds",
        "birth_year",
        "birth_month",
    )


class HomeRead(BaseModel):
    lat: float
    lng: float
    county_adcode: str
    approximate: bool = Field(description="True when only the county was given: its centroid stands in")
    address: str | None


class WindowRead(BaseModel):
    weekday: int
    start_minute: int
    end_minute: int


class PayExpectationRead(BaseModel):
    amount: Decimal
    unit: PayUnit


class SeekerRead(BaseModel):
    id: str
    desired_text: str | None
    occupation_codes: list[str]
    home: HomeRead
    travel_mode: TravelMode
    max_commute_minutes: int
    availability: list[WindowRead]
    pay_expectation: PayExpectationRead | None
    certificates: list[str]
    experience_years: int
    accommodations: list[Accommodation]
    kinds: list[Kind]
    birth_year: int
    birth_month: int
    age: int
    phone: str | None = Field(description="Always masked: 138****1234")
    name: str | None = Field(default=None, description="Always masked: 王*明")
    registered_by_station: str | None
    former_employer: str | None = Field(description="As given at registration; never shown to employers")
    consents: list[ConsentPurpose] = Field(description="Purposes with an active consent")
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime


class SeekerSummary(OutputModel):
    """A list row: minimised (no contact, address, coordinates or birth)."""

    id: str
    county_adcode: str
    registered_by_station: str | None
    desired_text: str | None
    occupation_codes: list[str]
    kinds: list[Kind]
    name: str | None = Field(default=None, validation_alias="name_masked", description="Masked: 王*明")
    created_at: UtcDatetime
    updated_at: UtcDatetime


def _id_number(value: object) -> object:
    return normalise_id_number(value) if isinstance(value, str) else value


class SeekerReach(OutputModel):
    """Whether a member of staff reaches a seeker (for the postings service, before it lets staff act)."""

    seeker_id: str
    reached: bool = Field(description="False too for a seeker who does not exist")


class SeekerLookup(InputModel):
    """An exact lookup by staff: a phone, an ID number or a full name (never a partial match). A name
    finds only seekers the staff member already reaches, and opens nobody."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"phone": "13812341234"}], **exactly_one_of("phone", "id_number")}
    )

    phone: Phone | None = None
    id_number: Annotated[
        str | None, StringConstraints(pattern=r"^\d{17}[\dX]$"), BeforeValidator(_id_number)
    ] = None
    name: PersonName | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if sum(v is not None for v in (self.phone, self.id_number, self.name)) != 1:
            raise ValueError("give one of phone, id_number or name")
        return self


class ConsentRead(OutputModel):
    purpose: ConsentPurpose
    method: ConsentMethod
    agreed_at: UtcDatetime
    recorded_at: UtcDatetime
    recorded_by_role: str
    recorded_by_sub: str
    recorded_by_station: str | None
    withdrawn_at: UtcDatetime | None
    withdrawn_by_role: str | None
    withdrawn_by_sub: str | None


class AuditRead(OutputModel):
    at: UtcDatetime
    action: str
    actor_role: str
    actor_sub: str
    actor_station: str | None
    fields: list[str]
    purpose: str | None


class ContactRead(BaseModel):
    seeker_id: str
    phone: str | None
