"""The export of everything held about a seeker (PIPL 第四十五条): format `lingong.seeker-export`, v1.

Every section says whether it is complete: `ok` (here, possibly empty), `withheld` (not shown to this
caller, with the reason), `not_recorded` (the service keeps no such record) or `unavailable` (held by
another service that did not answer: the export says so instead of failing or leaving it out)."""

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from services.kit.schemas import OutputModel, UtcDatetime
from services.matching.referrals.schemas import ReferralRead
from services.matching.seekers.schemas import AuditRead, ConsentRead, SeekerRead
from services.matching.seekers.sensitive_schemas import SensitiveRead

FORMAT: Literal["lingong.seeker-export"] = "lingong.seeker-export"
VERSION: Literal[1] = 1
# How each section is headed on the printable page and the console's.
SECTION_TITLES = {
    "profile": "基本信息 Profile",
    "sensitive": "敏感个人信息 Sensitive data",
    "consents": "同意记录 Consents",
    "access_log": "访问记录 Who accessed your data",
    "matches_shown": "推荐结果 Matches shown",
    "referrals": "推荐记录 Referrals",
    "dispatch": "零工派工 Dispatch",
    "cases": "帮扶台账 Case",
    "household": "家庭 Household",
    "placements": "就业记录 Placements",
    "applications": "求职申请 Applications",
    "engagements": "用工记录 Engagements",
    "retention_notices": "保存期限通知 Retention notices",
}
Status = Literal["ok", "withheld", "not_recorded", "unavailable"]


class Section(BaseModel):
    status: Status = "ok"
    note: str | None = Field(default=None, description="Why a section is withheld, not recorded or missing")


class ProfileExport(SeekerRead):
    phone: str | None = Field(description="In full to the seeker; masked (138****1234) to anyone else")


class ProfileSection(Section):
    data: ProfileExport | None = None


class SensitiveExport(SensitiveRead):
    id_number: str | None = Field(description="In full to the seeker; masked to anyone else")


class SensitiveSection(Section):
    data: SensitiveExport | None = None


class ConsentsSection(Section):
    items: list[ConsentRead] = []


class AccessLogSection(Section):
    items: list[AuditRead] = []


class OverrideExport(OutputModel):
    posting_id: uuid.UUID
    action: str
    reason: str
    station_id: str | None
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None


class ImpressionExport(OutputModel):
    shown_at: UtcDatetime
    surface: str = Field(description="matches (the seeker's list), popular, candidates (an employer's)")
    viewer_role: str
    posting_id: uuid.UUID
    position: int = Field(description="1 = first")
    score: float


class MatchesSection(Section):
    items: list[ImpressionExport] = Field(
        default=[], description="What was shown, newest first, as kept for the impressions' retention period"
    )
    overrides: list[OverrideExport] = Field(default=[], description="Staff pins and hides of postings")


class ReferralsSection(Section):
    items: list[ReferralRead] = []


class CheckinExport(OutputModel):
    station_id: str
    day: date
    method: str
    checked_in_at: UtcDatetime


class AssignmentExport(OutputModel):
    plan_id: uuid.UUID
    shift_id: uuid.UUID | None
    posting_id: uuid.UUID | None
    score: float | None
    outcome: str | None
    engagement_id: uuid.UUID | None
    attempted_at: UtcDatetime | None


class DispatchSection(Section):
    checkins: list[CheckinExport] = []
    assignments: list[AssignmentExport] = []


class CaseActionExport(OutputModel):
    kind: str
    due_on: date
    note: str | None
    created_at: UtcDatetime


class CaseContactExport(OutputModel):
    at: UtcDatetime
    kind: str
    channel: str
    outcome: str
    decline_reason: str | None
    posting_id: uuid.UUID | None
    note: str | None


class CaseEventExport(OutputModel):
    at: UtcDatetime
    kind: str
    note: str | None


class CaseExport(OutputModel):
    id: uuid.UUID
    county_adcode: str
    station_id: str | None
    group: str
    evidence_type: str
    evidence_number_masked: str
    status: str
    requested_on: date
    certified_at: UtcDatetime | None
    caseworker_name: str
    goal: str
    next_contact_on: date | None
    employed_at: UtcDatetime | None
    aftercare_due: date | None
    close_reason: str | None
    close_note: str | None
    closed_at: UtcDatetime | None
    opened_at: UtcDatetime
    actions: list[CaseActionExport]
    contacts: list[CaseContactExport]
    events: list[CaseEventExport]


class CasesSection(Section):
    items: list[CaseExport] = []


class HouseholdExport(BaseModel):
    household_id: uuid.UUID
    county_adcode: str
    reference: str | None
    status: str
    zero_since: UtcDatetime | None
    members: int = Field(description="How many members (the others are not named: theirs to ask for)")
    joined_at: UtcDatetime
    consent_method: str
    consent_agreed_at: UtcDatetime


class HouseholdSection(Section):
    data: HouseholdExport | None = None


class PlacementExport(OutputModel):
    id: uuid.UUID
    kind: str
    posting_id: uuid.UUID
    county_adcode: str
    station_id: str | None
    placed_at: UtcDatetime
    ends_at: UtcDatetime | None
    ended_at: UtcDatetime | None
    end_reason: str | None


class PlacementsSection(Section):
    items: list[PlacementExport] = []


class RemoteSection(Section):
    source: str = Field(default="postings", description="The service that holds these records")
    truncated: bool = False
    items: list[dict[str, Any]] = Field(
        default=[], description="As the postings service serves them (ApplicationRead / EngagementRead)"
    )


class NoticeExport(OutputModel):
    id: uuid.UUID
    kind: str
    last_active_at: UtcDatetime
    sent_at: UtcDatetime
    erase_after: UtcDatetime
    status: str
    resolved_at: UtcDatetime | None


class NoticesSection(Section):
    items: list[NoticeExport] = []


class Sections(BaseModel):
    profile: ProfileSection
    sensitive: SensitiveSection
    consents: ConsentsSection
    access_log: AccessLogSection
    matches_shown: MatchesSection
    referrals: ReferralsSection
    dispatch: DispatchSection
    cases: CasesSection
    household: HouseholdSection
    placements: PlacementsSection
    applications: RemoteSection
    engagements: RemoteSection
    retention_notices: NoticesSection


class Requester(BaseModel):
    role: str
    station_id: str | None


class SeekerExport(BaseModel):
    format: Literal["lingong.seeker-export"] = FORMAT
    version: Literal[1] = VERSION
    generated_at: UtcDatetime
    seeker_id: str
    requested_by: Requester
    complete: bool = Field(description="False when a section is unavailable (named in `missing`)")
    missing: list[str] = Field(description="Sections another service did not answer for")
    sections: Sections


class NoticeRead(NoticeExport):
    seeker_id: str
