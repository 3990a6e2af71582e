import uuid
from datetime import timedelta
from typing import Annotated, Self

from pydantic import ConfigDict, Field, model_validator

from services.kit.examples import dated_examples, local_time
from services.kit.schemas import AwareDatetime, InputModel, OutputModel, UtcDatetime

MAX_SHIFT = timedelta(hours=24)


class ShiftCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda: [{"starts_at": local_time(2, 8), "ends_at": local_time(2, 12), "headcount": 3}]
        )
    )

    starts_at: AwareDatetime
    ends_at: AwareDatetime
    headcount: Annotated[int, Field(ge=1, le=1000)]

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.ends_at - self.starts_at > MAX_SHIFT:
            raise ValueError("a shift lasts at most 24 hours")
        return self


class ShiftRead(OutputModel):
    id: uuid.UUID
    posting_id: uuid.UUID
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    headcount: int
    filled: int
    status: str
    version: int
