"""Sensitive data (disability, health, ID number, hardship status): kept apart, only with consent."""

from enum import StrEnum
from typing import Annotated, Self

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from services.kit.schemas import CleanText, InputModel, OutputModel, UtcDatetime


class PriorityGroup(StrEnum):
    GRADUATE = "graduate"
    RURAL_LABOUR = "rural_labour"
    OLDER_WORKER = "older_worker_45_65"
    DISABLED = "disabled"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    VETERAN = "veteran"
    ZERO_EMPLOYMENT_HOUSEHOLD = "zero_employment_household"
    LOW_INCOME = "low_income"


HealthNotes = Annotated[str, StringConstraints(min_length=1, max_length=500), CleanText]


class SensitiveIn(InputModel):
    """The whole record, replaced on each PUT, except the write-only `id_number`: left out, the stored one
    stays; null removes it. `reserved_post_certified` (就业困难人员认定) is set by staff only."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "disability": True,
                    "disability_level": 4,
                    "health_notes": "右腿行动不便，可坐姿工作",
                    "id_number": "37083219750601104X",
                    "low_income": False,
                    "poverty_alleviation": False,
                    "zero_employment_household": True,
                    "long_term_unemployed": False,
                    "veteran": False,
                    "priority_groups": ["disabled", "older_worker_45_65"],
                }
            ]
        }
    )

    disability: bool = False
    disability_level: Annotated[int | None, Field(ge=1, le=4, description="残疾等级, 1-4")] = None
    health_notes: HealthNotes | None = None
    id_number: Annotated[
        str | None, Field(max_length=40, description="居民身份证号; write-only, stored encrypted")
    ] = None
    low_income: bool = Field(default=False, description="低保 / low-income household")
    poverty_alleviation: bool = Field(default=False, description="脱贫人口 / poverty-alleviation status")
    zero_employment_household: bool = Field(default=False, description="零就业家庭")
    long_term_unemployed: bool = False
    veteran: bool = Field(default=False, description="退役军人")
    priority_groups: Annotated[list[PriorityGroup], Field(max_length=8)] = []
    reserved_post_certified: bool | None = Field(
        default=None, description="Staff only: certified for public-welfare posts; left out = unchanged"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.disability_level is not None and not self.disability:
            raise ValueError("disability_level needs disability: true")
        self.priority_groups = list(dict.fromkeys(self.priority_groups))
        return self


class SensitiveRead(OutputModel):
    seeker_id: str
    disability: bool
    disability_level: int | None
    health_notes: str | None
    id_number: str | None = Field(description="Always masked: 370************12X")
    low_income: bool
    poverty_alleviation: bool
    zero_employment_household: bool
    long_term_unemployed: bool
    veteran: bool
    priority_groups: list[PriorityGroup]
    reserved_post_certified: bool
    version: int
    updated_at: UtcDatetime
