"""What `POST /v1/postings:check` answers: the checker's verdict on a draft posting."""

from typing import Literal

from pydantic import ConfigDict, Field

from services.kit.schemas import OutputModel

IssueCode = Literal[
    "discriminatory_wording",
    "underage_worker",
    "justification_required",
    "justification_too_short",
    "not_allowed_on_public_welfare",
    "below_minimum_wage",
    "justified",
]


class SpanRead(OutputModel):
    """One offending phrase, with offsets into the field's text as the employer wrote it."""

    text: str = Field(examples=["限男性"])
    start: int = Field(ge=0, examples=[12])
    end: int = Field(ge=0, examples=[15])
    category: str = Field(examples=["sex"])
    basis: str = Field(
        examples=["《就业促进法》第二十七条；《妇女权益保障法》第四十三条；《劳动法》第十三条"]
    )
    suggestion: str = Field(examples=["删除性别限制，或改为“男女不限”"])


class IssueRead(OutputModel):
    """What is wrong (or, as a note, what was accepted with a reason) and what to change."""

    code: IssueCode
    category: str = Field(description="a checker category, or minimum_wage", examples=["sex"])
    field: str | None = Field(
        description="the text field it was found in; null for pay", examples=["description"]
    )
    spans: list[SpanRead]
    message_zh: str
    message_en: str
    basis: str = Field(description="the legal basis")
    suggestion: str = Field(description="a neutral rewording, or what to change")


class VerdictRead(OutputModel):
    """`refused` exactly when `issues` is non-empty; `notes` are requirements accepted with their reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verdict": "refused",
                    "issues": [
                        {
                            "code": "discriminatory_wording",
                            "category": "sex",
                            "field": "description",
                            "spans": [
                                {
                                    "text": "限男性",
                                    "start": 12,
                                    "end": 15,
                                    "category": "sex",
                                    "basis": "《就业促进法》第二十七条；《妇女权益保障法》第四十三条",
                                    "suggestion": "删除性别限制，或改为“男女不限”",
                                }
                            ],
                            "message_zh": "“限男性”以性别限制应聘者，属于法律禁止的就业歧视。",
                            "message_en": "“限男性” limits applicants by sex, which the law forbids.",
                            "basis": "《就业促进法》第二十七条；《妇女权益保障法》第四十三条",
                            "suggestion": "删除性别限制，或改为“男女不限”",
                        }
                    ],
                    "notes": [],
                }
            ]
        }
    )

    verdict: Literal["refused", "accepted"]
    issues: list[IssueRead]
    notes: list[IssueRead]
