import uuid
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from services.kit.schemas import CleanText, InputModel, OutputModel, UtcDatetime


class RatingCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"stars": 5, "comment": "工钱当天结清，活儿安排得清楚"}, {"stars": 4}]
        }
    )

    stars: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, StringConstraints(min_length=1, max_length=200), CleanText] | None = None


class RatingRead(OutputModel):
    id: uuid.UUID
    engagement_id: uuid.UUID
    rater: str = Field(description="worker (rating the employer) or employer (rating the worker)")
    employer_id: uuid.UUID
    seeker_id: str
    stars: int
    comment: str | None
    created_at: UtcDatetime
