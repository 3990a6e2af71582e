"""What the checker takes and gives back (re-exported by checker.py, where callers import them from)."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from services.postings.screening.lexicon import Severity
from services.postings.screening.minimum_wage import PayUnit


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    start: int  # offsets into the text that was checked
    end: int
    category: str
    basis: str
    suggestion: str
    severity: Severity


Verdict = Literal["prohibited", "needs_justification", "ok"]


@dataclass(frozen=True, slots=True)
class TextVerdict:
    verdict: Verdict
    categories: list[str]  # distinct, in order of first appearance
    spans: list[Span]


@dataclass(frozen=True, slots=True)
class PostingDraft:
    kind: Literal["job", "gig"]
    texts: dict[str, str]
    flags: frozenset[str] = field(default_factory=frozenset)
    justifications: dict[str, str] = field(default_factory=dict)
    pay_min: Decimal | None = None
    pay_max: Decimal | None = None
    pay_unit: PayUnit | None = None
    county_adcode: str | None = None
    part_time: bool = False


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    category: str
    field: str | None
    spans: list[Span]
    message_zh: str
    message_en: str
    basis: str
    suggestion: str


@dataclass(frozen=True, slots=True)
class PostingVerdict:
    verdict: Literal["refused", "accepted"]
    issues: list[Issue]  # blocking ones (refused iff non-empty)
    notes: list[Issue]  # justified needs_justification findings: shown, not blocking
