"""The posting checker: screen one text, or a whole draft posting with its pay."""

import re
from collections.abc import Iterable

from services.postings.screening import messages
from services.postings.screening.engine import Finding
from services.postings.screening.lexicon import CategoryInfo, category
from services.postings.screening.minimum_wage import MinimumWageTable, load_minimum_wages
from services.postings.screening.model import Issue, PostingDraft, PostingVerdict, Span, TextVerdict, Verdict
from services.postings.screening.normalize import Normalized, normalize
from services.postings.screening.rules import find
from services.postings.screening.rules_education import education_findings

__all__ = [
    "Issue",
    "MinimumWageTable",
    "PostingDraft",
    "PostingVerdict",
    "Span",
    "TextVerdict",
    "load_minimum_wages",
    "screen_posting",
    "screen_text",
]

PUBLIC_WELFARE = "public_welfare"
MIN_JUSTIFICATION_CHARS = 10
MIN_JUSTIFICATION_DISTINCT = 5
_NOT_WORDS = re.compile(r"[\W_]+")
# Words that only restate the requirement: a reason made of them alone says nothing about the job.
_RESTATING = "年龄 岁 身高 体重 外貌 形象 相貌 长相 要求 需要 必须 限制 理由".split()
_WAGE_BASIS = "《劳动法》第四十八条；《最低工资规定》第十二条"


def _span(original: str, norm: Normalized, finding: Finding) -> Span:
    start, end = norm.original(finding.start, finding.end)
    info = category(finding.category)
    return Span(original[start:end], start, end, info.name, info.basis, info.suggestion, info.severity)


def _verdict(spans: list[Span]) -> TextVerdict:
    severities = {s.severity for s in spans}
    verdict: Verdict = "ok"
    if "prohibited" in severities:
        verdict = "prohibited"
    elif severities:
        verdict = "needs_justification"
    categories = list(dict.fromkeys(s.category for s in spans))
    return TextVerdict(verdict, categories, spans)


def screen_text(text: str) -> TextVerdict:
    """Screen one text (a sentence or a whole description); span offsets index `text` itself."""
    norm = normalize(text)
    return _verdict([_span(text, norm, f) for f in find(norm.text, norm.breaks)])


def _by_category(spans: Iterable[Span]) -> dict[str, list[Span]]:
    grouped: dict[str, list[Span]] = {}
    for span in spans:
        grouped.setdefault(span.category, []).append(span)
    return grouped


def _issue(code: str, info: CategoryInfo, field: str, spans: list[Span], words: tuple[str, str]) -> Issue:
    return Issue(code, info.name, field, spans, words[0], words[1], info.basis, info.suggestion)


def justification_problem(info: CategoryInfo, reason: str | None) -> str | None:
    """None when `reason` is a usable justification, else the issue code that says why not."""
    if not reason or not _NOT_WORDS.sub("", reason):
        return "justification_required"
    words = _NOT_WORDS.sub("", reason.lower())
    remainder = words
    for restated in (*_RESTATING, info.name, info.label_zh, info.label_en.lower()):
        remainder = remainder.replace(restated, "")
    if len(words) < MIN_JUSTIFICATION_CHARS or len(set(remainder)) < MIN_JUSTIFICATION_DISTINCT:
        return "justification_too_short"
    return None


def _needs_justification(draft: PostingDraft, field: str, info: CategoryInfo, spans: list[Span]) -> Issue:
    """The issue (or, when the reason is good, the note) for a requirement that needs a reason."""
    if PUBLIC_WELFARE in draft.flags:
        return _issue(
            "not_allowed_on_public_welfare", info, field, spans, messages.public_welfare(info, spans)
        )
    reason = draft.justifications.get(info.name)
    problem = justification_problem(info, reason)
    if problem == "justification_required":
        return _issue(problem, info, field, spans, messages.justification_required(info, spans))
    if problem == "justification_too_short":
        words = messages.justification_too_short(info, spans, MIN_JUSTIFICATION_CHARS)
        return _issue(problem, info, field, spans, words)
    return _issue("justified", info, field, spans, messages.justified(info, spans, (reason or "").strip()))


def _text_issues(draft: PostingDraft, field: str, text: str) -> list[Issue]:
    found: list[Issue] = []
    for name, spans in _by_category(screen_text(text).spans).items():
        info = category(name)
        if name == "underage":
            found.append(_issue("underage_worker", info, field, spans, messages.underage(info, spans)))
        elif info.severity == "prohibited":
            found.append(
                _issue("discriminatory_wording", info, field, spans, messages.discriminatory(info, spans))
            )
        else:
            found.append(_needs_justification(draft, field, info, spans))
    if PUBLIC_WELFARE in draft.flags:
        found.extend(_education_issues(field, text))
    return found


def _education_issues(field: str, text: str) -> list[Issue]:
    norm = normalize(text)
    spans = [_span(text, norm, f) for f in education_findings(norm.text)]
    if not spans:
        return []
    info = category("education")
    return [_issue("not_allowed_on_public_welfare", info, field, spans, messages.public_welfare(info, spans))]


def _pay_issue(draft: PostingDraft, wages: MinimumWageTable) -> Issue | None:
    """below_minimum_wage when the least pay promised is under the county's minimum for its unit."""
    pay = draft.pay_min if draft.pay_min is not None else draft.pay_max
    if pay is None or draft.pay_unit is None:
        return None
    full_time = draft.kind == "job" and not draft.part_time
    minimum = wages.minimum(draft.county_adcode, draft.pay_unit, full_time)
    if minimum is None or pay >= minimum:
        return None
    wage_class = wages.class_of(draft.county_adcode)
    if wage_class is not None and draft.county_adcode is not None:
        where = f"{wages.county_names[draft.county_adcode]}（{wage_class.name}地区）"
    else:
        where = f"{wages.region}最低一档（{wages.lowest().name}地区）"
    zh, en = messages.below_minimum_wage(
        pay, minimum, draft.pay_unit, where, wages.source_document, wages.effective_date.isoformat()
    )
    basis = f"{_WAGE_BASIS}；{wages.source_document}"
    suggestion = f"把报酬提高到不低于 {minimum} 元/{messages.UNIT_ZH[draft.pay_unit]}"
    return Issue("below_minimum_wage", "minimum_wage", None, [], zh, en, basis, suggestion)


def screen_posting(draft: PostingDraft, wages: MinimumWageTable | None = None) -> PostingVerdict:
    """Refuse a posting with discriminatory wording, unjustified requirements or pay under the minimum."""
    found = [
        issue for field, text in draft.texts.items() if text for issue in _text_issues(draft, field, text)
    ]
    pay = _pay_issue(draft, wages or load_minimum_wages())
    if pay is not None:
        found.append(pay)
    issues = [i for i in found if i.code != "justified"]
    notes = [i for i in found if i.code == "justified"]
    return PostingVerdict("refused" if issues else "accepted", issues, notes)
