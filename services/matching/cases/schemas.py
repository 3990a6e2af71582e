import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from services.kit.examples import dated_examples, local_date
from services.kit.schemas import CleanText, InputModel, OneLine, OutputModel, UtcDatetime

SEEKER_ID = r"^[A-Za-z0-9_.:-]{1,64}$"
Line = Annotated[str, StringConstraints(min_length=1, max_length=40), CleanText, OneLine]
Note = Annotated[str, StringConstraints(min_length=1, max_length=500), CleanText]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=200), CleanText, OneLine]
Sub = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:@-]+$")]


class ActionKind(StrEnum):
    GUIDANCE = "guidance"  # 职业指导
    JOB_OFFER = "job_offer"  # 岗位推荐
    TRAINING = "training"  # 技能培训
    PUBLIC_WELFARE_POST = "public_welfare_post"  # 公益性岗位安置
    ENTREPRENEURSHIP = "entrepreneurship"  # 创业服务
    OTHER = "other"


class ContactKind(StrEnum):
    CONTACT = "contact"
    JOB_OFFER = "job_offer"
    REFERRAL = "referral"
    GUIDANCE = "guidance"
    TRAINING_LEAD = "training_lead"
    AFTERCARE_CHECK = "aftercare_check"


class Channel(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    STATION = "station"
    APP = "app"
    MESSAGE = "message"


class ContactOutcome(StrEnum):
    REACHED = "reached"
    NOT_REACHED = "not_reached"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    PENDING = "pending"


# 就业援助 closures; `employed` comes from the feed and is confirmed after the after-care check.
CLOSE_REASONS = (
    "employed",  # 实现就业 (feed), confirmed stable after the after-care period
    "self_employed",  # 自主创业 / 灵活就业 not seen in the feed
    "pension_age",  # 达到法定退休年龄
    "moved_away",  # 迁出本地
    "support_period_ended",  # 援助期满
    "declined_services",  # 无正当理由多次拒绝服务 (3 times in 6 months, from the log)
    "deceased",  # 死亡
)


class Evidence(InputModel):
    type: Line = Field(description="Certificate type, e.g. 残疾人证, 低保证, 退役军人证")
    number: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{4,40}$")]


class CaseCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda: [
                {
                    "seeker_id": "seeker-3701-0042",
                    "group": "disabled",
                    "evidence": {"type": "残疾人证", "number": "37010219700101123X43"},
                    "caseworker_sub": "clerk-7",
                    "caseworker_name": "李老师",
                    "goal": "三个月内在家附近找到坐着做的工作",
                    "next_contact_on": local_date(4),
                }
            ]
        )
    )

    seeker_id: Annotated[str, StringConstraints(pattern=SEEKER_ID)]
    group: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    evidence: Evidence
    caseworker_sub: Sub
    caseworker_name: Line
    goal: Note
    next_contact_on: date | None = None
    requested_on: date | None = Field(default=None, description="When certification was asked (today)")
    station_id: Annotated[str | None, StringConstraints(pattern=SEEKER_ID)] = Field(
        default=None, description="Admins only: the station that keeps the case"
    )


class PlanUpdate(InputModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda: [
                {"goal": "先参加两周的保洁技能培训，再推荐家附近的岗位", "next_contact_on": local_date(7)}
            ]
        )
    )

    caseworker_sub: Sub | None = None
    caseworker_name: Line | None = None
    goal: Note | None = None
    next_contact_on: date | None = None


class ActionCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda: [{"kind": "training", "due_on": local_date(14), "note": "报名社区家政服务培训班"}]
        )
    )

    kind: ActionKind
    due_on: date
    note: Note | None = None


class ContactCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda: [
                {
                    "kind": "job_offer",
                    "channel": "station",
                    "outcome": "declined",
                    "decline_reason": "离家太远，要照顾老人",
                    "note": "下次推荐步行范围内的岗位",
                    "next_contact_on": local_date(3),
                }
            ]
        )
    )

    at: AwareDatetime | None = Field(default=None, description="When it happened (default: now)")
    kind: ContactKind
    channel: Channel
    outcome: ContactOutcome
    decline_reason: Reason | None = None
    posting_id: uuid.UUID | None = None
    note: Note | None = None
    next_contact_on: date | None = None


class CaseClose(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "moved_away", "note": "已随子女迁往青岛居住，转介当地服务站"}]
        }
    )

    reason: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    note: Note


class ActionRead(OutputModel):
    id: uuid.UUID
    kind: ActionKind
    due_on: date
    note: str | None
    created_by: str
    created_at: UtcDatetime


class ContactRead(OutputModel):
    id: uuid.UUID
    at: UtcDatetime
    kind: ContactKind
    channel: Channel
    outcome: ContactOutcome
    decline_reason: str | None
    posting_id: uuid.UUID | None
    note: str | None
    by: str


class EventRead(OutputModel):
    at: UtcDatetime
    kind: str
    by: str
    note: str | None


class Minimum(BaseModel):
    required: int
    done: int
    met: bool


class Minimums(BaseModel):
    period_start: date
    period_end: date = Field(description="Last day of the current period")
    job_offers: Minimum
    guidance: Minimum
    training_leads: Minimum
    met: bool


class CaseSummary(OutputModel):
    id: uuid.UUID
    seeker_id: str
    county_adcode: str
    station_id: str | None
    group: str
    status: str = Field(description="pending (awaiting certification), active, aftercare, closed")
    certification_due: date
    certification_basis: str = Field(
        description="official_calendar (chinesecalendar), configured_schedule (a year entered in "
        "settings), or weekdays_only: no schedule for the year yet, the deadline is an estimate"
    )
    certification_due_estimated: bool = Field(
        description="True when the deadline was counted on weekdays because the year's holiday schedule "
        "was not yet published (computed again at start once it is)"
    )
    caseworker_name: str
    next_contact_on: date | None
    aftercare_due: date | None
    close_reason: str | None
    opened_at: UtcDatetime
    overdue: list[str] = Field(description="certification, contact, action, aftercare: what is late")


class CaseRead(CaseSummary):
    evidence_type: str
    evidence_number_masked: str
    requested_on: date
    certified_at: UtcDatetime | None
    caseworker_sub: str
    goal: str
    employed_at: UtcDatetime | None
    placement_id: uuid.UUID | None
    close_note: str | None
    closed_at: UtcDatetime | None
    version: int
    minimums: Minimums
    actions: list[ActionRead]
    contacts: list[ContactRead]
    events: list[EventRead]


class SeekerPlan(BaseModel):
    """What the seeker sees of their own case: the plan, not the evidence or staff notes."""

    id: uuid.UUID
    status: str
    caseworker_name: str
    goal: str
    next_contact_on: date | None
    certification_due: date
    certification_due_estimated: bool
    aftercare_due: date | None
    actions: list[ActionRead]
