"""Statistics API schemas, and each table's export columns with their Chinese headings."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.kit.schemas import UtcDatetime

Figure = int | str  # a count, or "<5" when it describes fewer than five people
Source = Literal["live", "snapshot"]


class SupplyDemandRow(BaseModel):
    county_adcode: str
    county_name: str | None
    occupation_group: str | None = Field(description="CSCO group (6-29, or 6 at level 1); null: all")
    occupation_name: str
    postings: int = Field(description="Open, valid postings with a free place")
    vacancies: int = Field(description="Their free places")
    seekers: Figure = Field(description="Seekers with a live profile wanting this work; <5 suppressed")
    ratio: float | str | None = Field(description="求人倍率 = vacancies / seekers; null when no seekers")


class SupplyDemandTable(BaseModel):
    week: str = Field(examples=["2026-W49"])
    level: int = Field(description="Occupation classification level: 1 major group, 2 medium group")
    source: Source = Field(description="live (this week, now) or snapshot (a past week's last state)")
    as_of: UtcDatetime
    suppressed_below: int
    rows: list[SupplyDemandRow]


SUPPLY_DEMAND_COLUMNS = (
    ("county_adcode", "县区代码"),
    ("county_name", "县区"),
    ("occupation_group", "职业类别代码"),
    ("occupation_name", "职业类别"),
    ("postings", "有效岗位数"),
    ("vacancies", "岗位空缺数"),
    ("seekers", "求职人数"),
    ("ratio", "求人倍率"),
)


class ShortageRow(BaseModel):
    rank: int
    occupation_group: str
    occupation_name: str
    vacancies: int
    seekers: Figure
    gap: Figure = Field(description="vacancies - seekers; suppressed with the seekers")
    rank_last_period: int | None = Field(description="Rank the week before; null when not listed then")
    counties_reporting: int = Field(description="Counties of the area where demand exceeds supply")


class ShortageTable(BaseModel):
    week: str
    last_period: str
    level: int
    source: Source
    as_of: UtcDatetime
    suppressed_below: int
    rows: list[ShortageRow]


SHORTAGE_COLUMNS = (
    ("rank", "排名"),
    ("occupation_group", "职业类别代码"),
    ("occupation_name", "职业类别"),
    ("vacancies", "岗位空缺数"),
    ("seekers", "求职人数"),
    ("gap", "缺口（需求-供给）"),
    ("rank_last_period", "上期排名"),
    ("counties_reporting", "紧缺县区数"),
)


class AlertRow(BaseModel):
    signal: Literal["ratio_drop", "layoff_surge", "dispute_rise", "postings_collapse"]
    signal_name: str
    level: Literal["yellow", "orange", "red"]
    level_name: str
    county_adcode: str | None = Field(description="null: the signal spans several counties")
    county_name: str | None
    subject: str | None = Field(description="The occupation group or the employer the signal is about")
    subject_name: str | None
    previous: int | float | str | None = Field(
        description="The figure last period (<5 when it counts few people)"
    )
    current: int | float | str
    change_pct: float | str | None = Field(description="Signed change from previous to current, in %")
    threshold: float = Field(description="The threshold of this level that the figure reached")


class AlertList(BaseModel):
    as_of: UtcDatetime
    week: str
    last_period: str
    suppressed_below: int
    alerts: list[AlertRow]


ALERT_COLUMNS = (
    ("signal", "信号代码"),
    ("signal_name", "预警信号"),
    ("level", "等级代码"),
    ("level_name", "预警等级"),
    ("county_adcode", "县区代码"),
    ("county_name", "县区"),
    ("subject", "对象代码"),
    ("subject_name", "对象"),
    ("previous", "上期数值"),
    ("current", "本期数值"),
    ("change_pct", "变化（%）"),
    ("threshold", "触发阈值"),
)


class FunnelRow(BaseModel):
    county_adcode: str | None = Field(description="null: the whole area")
    county_name: str | None
    station_id: str | None = Field(description="null: the county's total")
    referrals: Figure = Field(description="Staff referrals: applications and shift bookings by a station")
    applications: Figure
    accepted_booked: Figure = Field(description="Applications accepted plus gig shifts booked")
    completed: Figure = Field(description="Gig shifts worked to the end")
    paid: Figure = Field(description="Gig shifts the worker confirmed paid")


class PlacementRateRow(BaseModel):
    group: str | None = Field(description="Priority group; null: every seeker")
    group_name: str
    seekers: Figure = Field(description="Seekers registered by the period's end in the area")
    placed: Figure = Field(description="Of them, placed in the period (job accepted or gig paid)")
    rate_pct: float | str | None


class OutcomeTables(BaseModel):
    date_from: date = Field(alias="from", serialization_alias="from")
    date_to: date = Field(alias="to", serialization_alias="to")
    as_of: UtcDatetime
    suppressed_below: int
    funnel: list[FunnelRow]
    placement: list[PlacementRateRow]

    model_config = ConfigDict(populate_by_name=True)


FUNNEL_COLUMNS = (
    ("county_adcode", "县区代码"),
    ("county_name", "县区"),
    ("station_id", "服务站"),
    ("referrals", "推荐"),
    ("applications", "申请"),
    ("accepted_booked", "录用或预订"),
    ("completed", "完工"),
    ("paid", "已支付"),
)
PLACEMENT_COLUMNS = (
    ("group", "群体代码"),
    ("group_name", "群体"),
    ("seekers", "登记求职人数"),
    ("placed", "实现就业人数"),
    ("rate_pct", "就业率（%）"),
)
