"""The rule machinery: a rule is a compiled pattern over normalised text, plus an optional veto."""

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

_CLAUSE_END = re.compile(r"[。;!?\n]")


@dataclass(frozen=True, slots=True)
class Finding:
    start: int
    end: int
    category: str
    rule: str


@dataclass
class Context:
    """Normalised text with the look-arounds the vetoes need."""

    text: str
    # Positions where the original had a space between words (dropped by normalisation): "女 形象好".
    breaks: frozenset[int] = frozenset()

    @cached_property
    def clause_ends(self) -> list[int]:
        return [m.start() for m in _CLAUSE_END.finditer(self.text)]

    def before(self, pos: int, width: int) -> str:
        return self.text[max(0, pos - width) : pos]

    def after(self, pos: int, width: int) -> str:
        return self.text[pos : pos + width]

    def clause(self, pos: int) -> str:
        """The sentence-like clause (between 。;!?/newline) that holds position pos."""
        ends = self.clause_ends
        i = bisect.bisect_right(ends, pos - 1)
        begin = ends[i - 1] + 1 if i > 0 else 0
        stop = ends[i] if i < len(ends) else len(self.text)
        return self.text[begin:stop]

    def clause_before(self, pos: int) -> str:
        """The part of pos's clause that comes before pos."""
        ends = self.clause_ends
        i = bisect.bisect_right(ends, pos - 1)
        begin = ends[i - 1] + 1 if i > 0 else 0
        return self.text[begin:pos]


Veto = Callable[[Context, "re.Match[str]"], bool]
Detector = Callable[[Context], Iterable[Finding]]


BEFORE_WIDTH = 16


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern that marks `group` of each match as `category`, unless a veto says otherwise.

    `before`, when given, must match the text just before the match (it is searched anchored at the
    end of a short window) and becomes part of the span: "限" + "男性". Patterns themselves start with
    their distinctive term, never with an optional part or a look-behind, so that the regex engine can
    skip ahead to the few places worth trying.
    """

    name: str
    category: str
    pattern: re.Pattern[str]
    before: re.Pattern[str] | None = None
    group: str | int = 0
    vetoes: tuple[Veto, ...] = field(default=())

    def __call__(self, ctx: Context) -> Iterable[Finding]:
        for match in self.pattern.finditer(ctx.text):
            start, end = match.span(self.group)
            if self.before is not None:
                window = ctx.before(match.start(), BEFORE_WIDTH)
                lead = self.before.search(window)
                if lead is None:
                    continue
                start = match.start() - (len(window) - lead.start())
            if end > start and not any(veto(ctx, match) for veto in self.vetoes):
                yield Finding(start, end, self.category, self.name)


def rule(
    name: str,
    category: str,
    pattern: str,
    *,
    before: str | None = None,
    group: str | int = 0,
    vetoes: Sequence[Veto] = (),
) -> Rule:
    lead = re.compile(f"(?:{before})$") if before is not None else None
    return Rule(name, category, re.compile(pattern), lead, group, tuple(vetoes))


def merge(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per overlapping stretch of the same category, in text order."""
    by_category: dict[str, list[Finding]] = {}
    for finding in findings:
        by_category.setdefault(finding.category, []).append(finding)
    merged: list[Finding] = []
    for items in by_category.values():
        items.sort(key=lambda f: (f.start, f.end))
        current = items[0]
        for item in items[1:]:
            if item.start < current.end:
                current = Finding(current.start, max(current.end, item.end), current.category, current.rule)
            else:
                merged.append(current)
                current = item
        merged.append(current)
    merged.sort(key=lambda f: (f.start, f.end))
    return merged


def drop_exempted(findings: Iterable[Finding], exempt: Iterable[tuple[int, int, str]]) -> list[Finding]:
    """Findings that do not overlap an exempted (inclusive) phrase of their category."""
    starts: dict[str, list[int]] = {}
    ends: dict[str, list[int]] = {}
    for start, end, category in sorted(exempt):
        s, e = starts.setdefault(category, []), ends.setdefault(category, [])
        if e and start <= e[-1]:
            e[-1] = max(e[-1], end)  # union of overlapping ranges, so one look-up per finding is exact
        else:
            s.append(start)
            e.append(end)
    kept = []
    for f in findings:
        i = bisect.bisect_left(starts.get(f.category, []), f.end) - 1
        if i < 0 or ends[f.category][i] <= f.start:
            kept.append(f)
    return kept
