import uuid
from typing import Any

from pydantic import BaseModel


class ImportSummary(BaseModel):
    created: int
    updated: int
    unchanged: int
    rejected: int
    rejected_by_code: dict[str, int]


class ImportReport(BaseModel):
    id: uuid.UUID
    source: str
    format: str
    summary: ImportSummary
    rows: list[dict[str, Any]]
