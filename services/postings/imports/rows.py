"""What every reader yields: one row of a file, as a canonical record or with the reason it is not one."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RowError:
    code: str
    message: str


@dataclass(slots=True)
class RawRow:
    line: int
    external_id: str | None
    record: dict[str, Any] | None
    error: RowError | None
    source: str | None = None  # the row's own source, when its format names one (real_postings_csv)


class RowProblem(Exception):
    """Raised while mapping one row; the reader turns it into a RawRow with its error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.error = RowError(code, message)


def failed(line: int, external_id: str | None, code: str, message: str) -> RawRow:
    return RawRow(line=line, external_id=external_id, record=None, error=RowError(code, message))
