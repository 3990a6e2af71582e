"""Serving's API schemas: matches with their reasons, masked candidates, explanations, staff overrides."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.kit.schemas import CleanText, InputModel, OutputModel, UtcDatetime
from services.matching.replica.schemas import SourceHealth

Kind = Literal["job", "gig"]
Action = Literal["pin", "hide"]


class ReasonRead(BaseModel):
    zh: str = Field(examples=["离家1.2公里，乘公交约9分钟"])
    en: str = Field(examples=["1.2 km from home, about 9 min by bus"])


class FitRead(BaseModel):
    """How the posting stands to the work the seeker wants (docs/ranking.md, "Related occupations")."""

    kind: Literal["exact", "related", "other"] = Field(
        description="exact: the wished work; related: a related occupation; other: nearby work outside it"
    )
    zh: str = Field(examples=["与烧结成品工相近：同属炼铁人员"])
    en: str = Field(examples=["Close to 烧结成品工: both are 炼铁人员"])


class PayRead(BaseModel):
    min: Decimal
    max: Decimal | None = None
    unit: Literal["hour", "day", "piece", "month"]


class OverrideNote(BaseModel):
    """A staff override that placed this match: the seeker sees the action, reason and station."""

    action: Action
    reason: str
    at: UtcDatetime
    station_id: str | None = None
    staff_sub: str | None = Field(default=None, description="Only to staff and administrators")


class MatchRead(BaseModel):
    posting_id: uuid.UUID
    score: float = Field(description="The sum of `contributions`")
    contributions: dict[str, float] = Field(
        description="Factor → its weighted share of the score (a congestion share is negative)",
        examples=[{"occupation_fit": 0.31, "distance": 0.11, "congestion": -0.01}],
    )
    reasons: list[ReasonRead]
    shift_ids: list[str] = Field(description="A gig's upcoming shifts that fit the seeker's free time")
    title: str | None = None
    kind: Kind
    pay: PayRead | None = None
    employer_name: str | None = None
    county_adcode: str | None = None
    distance_km: float | None = Field(default=None, description="Straight line from home")
    travel_minutes: float | None = Field(default=None, description="Estimated door to door, by their mode")
    override: OverrideNote | None = None
    fit: FitRead | None = Field(default=None, description="Null when the seeker named no work they want")


class MatchesRead(BaseModel):
    seeker_id: str
    personalised: bool = Field(
        description="False while the service warms up: then the list is the nearby open postings, "
        "the same for anyone living there"
    )
    kind: Kind | None
    notice: ReasonRead | None = Field(
        default=None,
        description="Said when none of the results is the work the seeker wants: "
        "附近暂无您想做的工作，以下是相近的岗位",
    )
    items: list[MatchRead]
    source_health: SourceHealth | None = Field(
        default=None,
        description="Whether the postings these matches come from are being followed: reachable false "
        "means the list may be stale or empty because the postings feed cannot be reached",
    )


class ExplanationRead(BaseModel):
    seeker_id: str
    posting_id: uuid.UUID
    eligible: bool
    failed: list[ReasonRead] = Field(description="Every hard rule the posting fails for this seeker")
    match: MatchRead | None = Field(description="The match, with its contributions, when eligible")
    override: OverrideNote | None = None


class DistanceBand(BaseModel):
    max_km: float | None = Field(description="The band's upper bound; null for the farthest band")
    zh: str
    en: str


class CertificateRead(BaseModel):
    code: str
    zh: str
    en: str


class AvailabilityFit(BaseModel):
    shifts_fitting: int = Field(description="The gig's upcoming open shifts inside the seeker's free time")
    shifts_open: int = Field(description="The gig's upcoming open shifts")


class CandidateRead(BaseModel):
    """A seeker as an employer may see them: no name, contact, group, score or exact distance."""

    rank: int
    handle: str = Field(description="Stable for this posting and seeker, different for every posting")
    seeker_id: str | None = Field(default=None, description="Only to staff and administrators")
    distance: DistanceBand
    occupation: str | None = Field(description="The posting's occupation, when it is what they want")
    fit: FitRead | None = Field(
        default=None, description="How the posting stands to the work they want; null when they named none"
    )
    certificates: list[CertificateRead] = Field(description="The certificates the posting asks for (held)")
    availability: AvailabilityFit | None = Field(description="Gigs only")
    reasons: list[ReasonRead]


class CandidatesRead(BaseModel):
    posting_id: uuid.UUID
    items: list[CandidateRead]


Reason = Annotated[str, StringConstraints(min_length=1, max_length=500), CleanText]


class OverrideCreate(InputModel):
    """Pin a posting to the top of a seeker's matches, or hide it from them; the reason is recorded."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "posting_id": "0b6f2b1e-6f0a-4c59-9a47-3c2b8f1d5e70",
                    "action": "pin",
                    "reason": "本人希望就近工作，已电话核实岗位仍在招 / wants work nearby, vacancy checked",
                }
            ]
        }
    )

    posting_id: uuid.UUID
    action: Action
    reason: Reason


class OverrideRead(OutputModel):
    id: uuid.UUID
    seeker_id: str
    posting_id: uuid.UUID
    action: Action
    reason: str
    staff_sub: str
    station_id: str | None
    created_at: UtcDatetime
    active: bool
    revoked_at: UtcDatetime | None
    revoked_by_sub: str | None


class DemoStatusRead(BaseModel):
    """`lingong serve --demo` only: how far the demo data has come."""

    postings: Literal["loading", "ready", "failed"] = Field(
        description="ready: loaded into the postings service and held by this matching engine"
    )
    seekers: Literal["loading", "ready", "failed"] = Field(description="ready: the demo seekers registered")


class SharedIndexRead(BaseModel):
    """The shared layout (MATCHING_SERVING__SHARED_INDEX_DIR): this process's part and generation."""

    role: Literal["publisher", "reader"] = Field(description="publisher: runs the feed consumer and writes")
    generation: str | None = Field(description="The index generation this process maps")
    generation_seq: int | None = Field(description="The feed seq that generation was written at")


class EngineStatusRead(BaseModel):
    state: Literal["loading", "warming", "ready"]
    ready: bool = Field(
        default=False, description="The engine is ready and so is the demo data when one is being loaded"
    )
    demo: DemoStatusRead | None = Field(default=None, description="Null unless serving the demo")
    shared_index: SharedIndexRead | None = Field(
        default=None, description="Null unless the processes on this host share one index"
    )
    text_features: str | None = Field(
        description="coder (the occupation coder), lexical (it failed to load), injected or prebuilt"
    )
    postings: int = Field(description="Postings in the index")
    seekers: int = Field(description="Seekers in the employers' candidate pool (matching consent)")
    seeker_journal_seq: int
    loaded_at: datetime | None
    load_seconds: float | None
    last_error: str | None = Field(description="Class of the last loading failure, if any")
    ranker: str = Field(
        default="hand",
        description="hand-<version> (the hand-set weights) or ltr-<version> (the learned ranker)",
    )
