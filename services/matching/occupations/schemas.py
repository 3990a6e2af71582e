from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class OccupationSuggestion(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "6-18-02-04",
                    "name": "焊工",
                    "level": 4,
                    "score": 0.93,
                    "p": 0.93,
                    "matched_alias": None,
                }
            ]
        }
    )

    code: str = Field(description="CSCO-2022 code", examples=["6-18-02-04"])
    name: str = Field(description="Classification name, without the green (L) / digital (S) marks")
    level: int = Field(ge=1, le=4, description="1 major, 2 medium, 3 minor group, 4 detailed occupation")
    score: float = Field(ge=0, le=1, description="Rank score: the better of the text match and p")
    p: float | None = Field(default=None, ge=0, le=1, description="The occupation coder's probability")
    matched_alias: str | None = Field(default=None, description="The alias that matched, when not the name")


class OccupationSuggestions(BaseModel):
    query: str
    coder: Literal["ready", "loading", "off"] = Field(
        description="Whether the coder's guesses are included (names and aliases only until it is ready)"
    )
    items: list[OccupationSuggestion]
