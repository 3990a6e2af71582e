"""Runs the posting checker on a posting's would-be state; refuses with the checker's issues."""

from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from services.postings.postings.exceptions import PostingRefused
from services.postings.screening.checker import Issue, PostingDraft, PostingVerdict, screen_posting
from services.postings.screening.minimum_wage import MinimumWageTable, load_minimum_wages

_tables: dict[Path | None, MinimumWageTable] = {}


def wage_table(path: Path | None) -> MinimumWageTable:
    if path not in _tables:
        _tables[path] = load_minimum_wages(path)
    return _tables[path]


def _issue(issue: Issue) -> dict[str, Any]:
    out = asdict(issue)
    out["spans"] = [
        {k: v for k, v in span.items() if k in ("text", "start", "end", "category", "basis", "suggestion")}
        for span in out["spans"]
    ]
    return out


def draft_of(state: dict[str, Any]) -> PostingDraft:
    pay = state.get("pay") or {}
    return PostingDraft(
        kind=state["kind"],
        texts={k: state[k] for k in ("title", "description") if state.get(k)},
        flags=frozenset(state.get("flags") or ()),
        justifications=dict(state.get("justifications") or {}),
        pay_min=Decimal(str(pay["min"])) if pay.get("min") is not None else None,
        pay_max=Decimal(str(pay["max"])) if pay.get("max") is not None else None,
        pay_unit=pay.get("unit"),
        county_adcode=(state.get("location") or {}).get("county_adcode"),
    )


def check(state: dict[str, Any], wages_path: Path | None) -> PostingVerdict:
    return screen_posting(draft_of(state), wage_table(wages_path))


def enforce(state: dict[str, Any], wages_path: Path | None) -> list[dict[str, Any]]:
    """The accepted notes to store with the posting, or PostingRefused."""
    verdict = check(state, wages_path)
    if verdict.verdict == "refused":
        raise PostingRefused([_issue(i) for i in verdict.issues])
    return [_issue(n) for n in verdict.notes]


def verdict_body(verdict: PostingVerdict) -> dict[str, Any]:
    return {
        "verdict": verdict.verdict,
        "issues": [_issue(i) for i in verdict.issues],
        "notes": [_issue(n) for n in verdict.notes],
    }
