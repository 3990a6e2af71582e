import uuid

from pydantic import BaseModel, Field

from services.kit.schemas import UtcDatetime


class Reason(BaseModel):
    zh: str
    en: str


class EmployerReliability(BaseModel):
    """Computed from the records: wages the workers confirmed paid, disputes, late cancellations."""

    employer_id: uuid.UUID
    completed: int = Field(description="Engagements worked to the end")
    paid_on_time: int = Field(description="Wages the worker confirmed paid with no dispute")
    paid_after_dispute: int
    unpaid_disputed: int = Field(description="Wages disputed and not (yet) paid")
    awaiting_payment: int = Field(description="Worked and not yet confirmed paid, before the due date")
    paid_on_time_rate: float | None = Field(description="paid_on_time over wages settled or disputed")
    disputes: int = Field(description="Disputes counted against the employer (not found unfounded)")
    disputes_open: int
    late_cancellations: int
    rating_average: float | None
    rating_count: int
    reasons: list[Reason]
    computed_at: UtcDatetime


class WorkerReliability(BaseModel):
    """Computed from the records: shifts worked, no-shows and late cancellations not removed on appeal."""

    seeker_id: str
    completed: int
    no_shows: int
    late_cancellations: int
    appeals_upheld: int
    appeals_pending: int
    show_up_rate: float | None = Field(description="completed over completed plus marked no-shows")
    rating_average: float | None
    rating_count: int
    reasons: list[Reason]
    computed_at: UtcDatetime
