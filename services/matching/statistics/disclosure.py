"""Statistical disclosure control: primary and complementary (secondary) cell suppression.

Primary: a count of 1 to `below` − 1 people is hidden (shown "<5"). Secondary: a table whose totals are
published lets a reader get a hidden cell back by subtraction (total − the other cells), so more cells
are hidden until none can be. This is the cell-suppression method of the statistical agencies (Eurostat /
τ-ARGUS, Hundepool et al., *Statistical Disclosure Control*, 2012, ch. 4; the "at least two suppressed
cells in every row and column" rule), with an audit rather than the rule of thumb alone:

1. Every additive relation (a total and its parts: a county's total and its occupation groups, an
   occupation group's area total and its counties, a county's total and its stations) is listed.
2. A reader is assumed to know every published figure, every relation (as an equality, which is
   conservative where a seeker counts in several groups), and the rule itself: a cell shown "<5" holds
   1 to `below` − 1, a complementary cell (shown "x") holds at least `below` (zeros and small cells are
   never chosen as complements), a figure never published holds at least 0.
3. From these, the interval each hidden cell can lie in is narrowed relation by relation until nothing
   changes (interval constraint propagation). A primary cell whose interval is a single value could be
   worked out: the smallest published non-zero cell of one of its relations (parts or total) is hidden
   as well, and the audit runs again, until no primary cell is pinned.

Choosing the smallest cell loses the least information (the usual cost function: cell value). The
pattern is computed over the whole table (all counties, both occupation levels) and only then cut to
the reader's area, so two readers, or one reader asking twice with different areas, see the same cells
hidden and cannot difference one answer against another.
"""

import logging
import math
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

log = logging.getLogger("lingong.statistics")

PRIMARY: Literal["primary"] = "primary"
SECONDARY: Literal["secondary"] = "secondary"
Mark = Literal["primary", "secondary"]
SECONDARY_SHOWN = "x"
MAX_PASSES = 1000


@dataclass(frozen=True, slots=True)
class Relation:
    """total = Σ parts."""

    total: Hashable
    parts: tuple[Hashable, ...]


def shown_hidden(mark: Mark, below: int) -> str:
    """What a hidden cell shows: "<5" when it is small itself, "x" when hidden to protect another."""
    return f"<{below}" if mark == PRIMARY else SECONDARY_SHOWN


Box = tuple[float, float]
Terms = list[tuple[Hashable, int]]


def _narrowed(target: float, unknown: Terms, box: Mapping[Hashable, Box]) -> list[tuple[Hashable, Box]]:
    """Σ sign·x over `unknown` equals `target`: each unknown's interval as the others' allow, where
    that is narrower than its own."""
    lows = [box[k][0] if sign > 0 else -box[k][1] for k, sign in unknown]
    highs = [box[k][1] if sign > 0 else -box[k][0] for k, sign in unknown]
    low_inf = sum(1 for v in lows if v == -math.inf)
    high_inf = sum(1 for v in highs if v == math.inf)
    low_sum = sum(v for v in lows if v != -math.inf)
    high_sum = sum(v for v in highs if v != math.inf)
    out = []
    for j, (key, sign) in enumerate(unknown):
        own_low_inf, own_high_inf = lows[j] == -math.inf, highs[j] == math.inf
        others_low = -math.inf if low_inf - own_low_inf else low_sum - (0.0 if own_low_inf else lows[j])
        others_high = math.inf if high_inf - own_high_inf else high_sum - (0.0 if own_high_inf else highs[j])
        lo, hi = target - others_high, target - others_low  # the interval of sign·x_j
        if sign < 0:
            lo, hi = -hi, -lo
        old_lo, old_hi = box[key]
        new_lo = max(old_lo, math.ceil(lo)) if lo != -math.inf else old_lo
        new_hi = min(old_hi, math.floor(hi)) if hi != math.inf else old_hi
        if (new_lo, new_hi) != (old_lo, old_hi) and new_lo <= new_hi:
            out.append((key, (new_lo, new_hi)))
    return out


class _Audit:
    def __init__(
        self,
        values: Mapping[Hashable, int],
        relations: Sequence[Relation],
        unpublished: set[Hashable],
        below: int,
    ) -> None:
        self.values = values
        self.unpublished = unpublished
        self.small: Box = (1.0, float(below - 1))
        self.big: Box = (float(below), math.inf)
        self.relations: list[Terms] = [
            [(r.total, 1), *((p, -1) for p in r.parts)] for r in relations if r.parts
        ]
        self.of: dict[Hashable, list[int]] = defaultdict(list)
        for i, terms in enumerate(self.relations):
            for key, _ in terms:
                self.of[key].append(i)

    def own(self, key: Hashable, marks: Mapping[Hashable, Mark]) -> Box:
        """What a reader knows of one hidden cell from its mark alone."""
        mark = marks.get(key)
        if mark is None:
            return (0.0, math.inf)  # never published
        return self.small if mark == PRIMARY else self.big

    def split(self, i: int, marks: Mapping[Hashable, Mark]) -> tuple[float, Terms]:
        """A relation as Σ sign·x over its unknown cells = target (from its published cells)."""
        known, unknown = 0.0, []
        for key, sign in self.relations[i]:
            if key in marks or key in self.unpublished:
                unknown.append((key, sign))
            else:
                known += sign * self.values.get(key, 0)
        return -known, unknown

    def pinned_here(self, i: int, marks: Mapping[Hashable, Mark]) -> bool:
        """Whether this relation alone gives a small cell back (one rule of the audit, cheap)."""
        target, unknown = self.split(i, marks)
        box = {k: self.own(k, marks) for k, _ in unknown}
        for key, (lo, hi) in _narrowed(target, unknown, box):
            box[key] = (lo, hi)
        return any(marks.get(k) == PRIMARY and box[k][0] == box[k][1] for k, _ in unknown)

    def bounds(self, marks: Mapping[Hashable, Mark]) -> dict[Hashable, Box]:
        """The interval each unknown cell is known to lie in, every relation taken together (interval
        propagation until nothing narrows)."""
        box: dict[Hashable, Box] = {k: self.own(k, marks) for k in (*marks, *self.unpublished)}
        touched = {i for key in box for i in self.of.get(key, ())}
        split = {i: self.split(i, marks) for i in touched}
        queue = set(split)
        while queue:
            i = queue.pop()
            target, unknown = split[i]
            for key, narrowed in _narrowed(target, unknown, box):
                box[key] = narrowed
                queue.update(self.of[key])
        return box

    def complement(
        self, key: Hashable, marks: Mapping[Hashable, Mark], rank: Mapping[Hashable, int]
    ) -> Hashable | None:
        """The smallest published non-zero cell of the relations `key` is in."""
        candidates = [
            (self.values[k], rank.get(k, 0), repr(k), k)
            for i in self.of.get(key, [])
            for k, _ in self.relations[i]
            if k not in marks and k not in self.unpublished and self.values.get(k, 0) > 0
        ]
        return min(candidates)[3] if candidates else None

    def complement_in(
        self, i: int, marks: Mapping[Hashable, Mark], rank: Mapping[Hashable, int]
    ) -> Hashable | None:
        candidates = [
            (self.values[k], rank.get(k, 0), repr(k), k)
            for k, _ in self.relations[i]
            if k not in marks and k not in self.unpublished and self.values.get(k, 0) > 0
        ]
        return min(candidates)[3] if candidates else None


def protect(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    below: int,
    unpublished: Iterable[Hashable] = (),
    order: Mapping[Hashable, int] | None = None,
) -> dict[Hashable, Mark]:
    """The cells to hide: primary (1 to below − 1) and the complements that stop a reader from working
    any primary cell out of the published totals. `unpublished` cells are in relations but never shown
    (e.g. records without a station); `order` breaks ties between equally small complements.

    Each relation is first made safe on its own (cheap, and enough for most cells); then the whole
    table is audited, complements are added where a chain of relations still pins a cell, and so on."""
    rank = order or {}
    hidden_always = set(unpublished)
    marks: dict[Hashable, Mark] = {
        k: PRIMARY for k, v in values.items() if 0 < v < below and k not in hidden_always
    }
    if not marks:
        return marks
    audit = _Audit(values, relations, hidden_always, below)
    pending = {i for key in marks for i in audit.of.get(key, ())}
    for _ in range(MAX_PASSES):
        while pending:
            i = pending.pop()
            if audit.pinned_here(i, marks):
                chosen = audit.complement_in(i, marks, rank)
                if chosen is not None:
                    marks[chosen] = SECONDARY
                    pending.update(audit.of[chosen])
        box = audit.bounds(marks)
        pinned = sorted(
            (k for k, m in marks.items() if m == PRIMARY and box[k][0] == box[k][1]),
            key=lambda k: (rank.get(k, 0), repr(k)),
        )
        if not pinned:
            return marks
        touched: set[int] = set()
        for key in pinned:
            rels = audit.of.get(key, [])
            if touched.intersection(rels):
                continue  # a complement was just added where this one lies: audit again first
            chosen = audit.complement(key, marks, rank)
            if chosen is None:
                continue  # another pinned cell's complement may free it; if none does, said below
            marks[chosen] = SECONDARY
            touched.update(audit.of[chosen])
            pending.update(audit.of[chosen])
        if not touched:
            log.warning("suppressed cells left without a complement", extra={"cells": len(pinned)})
            return marks
    return marks


# --- The supply-demand table -------------------------------------------------------------------------

ALL_GROUPS = ""  # supply.ALL: the county's total row
UNCLASSIFIED_GROUP = "unclassified"


def cell_key(level: int, county: str, group: str) -> tuple[str, int, str, str]:
    """A seeker count's key; a county's total and its unclassified seekers are the same at both levels."""
    return ("c", 0 if group in (ALL_GROUPS, UNCLASSIFIED_GROUP) else level, county, group)


def column_key(level: int, group: str) -> tuple[str, int, str]:
    """An occupation group's seekers summed over all counties (the shortage list shows it)."""
    return ("t", 0 if group == UNCLASSIFIED_GROUP else level, group)


_CACHE: OrderedDict[tuple[int, frozenset[Any]], dict[Hashable, Mark]] = OrderedDict()
CACHE_SIZE = 4


def forget() -> None:
    """Drop the remembered patterns (benchmarks measure a cold start)."""
    _CACHE.clear()


def supply_marks(seekers: Mapping[int, Mapping[tuple[str, str], int]], below: int) -> dict[Hashable, Mark]:
    """`_supply_marks`, remembered for the last few tables: the pattern depends on the seeker counts
    alone (not on postings), which change far less often than the table is read. Keyed by the counts
    themselves, so a hit is exact."""
    key = (
        below,
        frozenset((level, *cell, n) for level, cells in seekers.items() for cell, n in cells.items()),
    )
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    marks = _supply_marks(seekers, below)
    _CACHE[key] = marks
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return marks


def _supply_marks(seekers: Mapping[int, Mapping[tuple[str, str], int]], below: int) -> dict[Hashable, Mark]:
    """The seeker counts to hide in the supply-demand tables of every county at both levels.

    `seekers[level][(county, group)]`. Relations: a county's total and its groups at each level; a
    major group and its medium groups in a county; a group's total over the counties and its counties;
    a major group's total and its medium groups' totals."""
    values: dict[Hashable, int] = {}
    relations: list[Relation] = []
    columns: dict[Hashable, list[Hashable]] = defaultdict(list)
    for level, cells in seekers.items():
        rows: dict[str, list[Hashable]] = defaultdict(list)
        for (county, group), n in cells.items():
            key = cell_key(level, county, group)
            values[key] = n
            if group != ALL_GROUPS:
                rows[county].append(key)
                columns[column_key(level, group)].append(key)
        relations += [Relation(cell_key(level, c, ALL_GROUPS), tuple(p)) for c, p in sorted(rows.items())]
    for column, parts in columns.items():
        if column in values:
            continue
        values[column] = sum(values[p] for p in parts)
        relations.append(Relation(column, tuple(dict.fromkeys(parts))))
    if 1 in seekers and 2 in seekers:
        majors: dict[Hashable, list[Hashable]] = defaultdict(list)
        major_columns: dict[Hashable, set[Hashable]] = defaultdict(set)
        for county, group in seekers[2]:
            if group in (ALL_GROUPS, UNCLASSIFIED_GROUP):
                continue
            major = group.split("-")[0]
            majors[cell_key(1, county, major)].append(cell_key(2, county, group))
            major_columns[column_key(1, major)].add(column_key(2, group))
        relations += [Relation(k, tuple(p)) for k, p in majors.items() if k in values]
        relations += [
            Relation(k, tuple(sorted(p, key=repr))) for k, p in major_columns.items() if k in values
        ]
    return protect(values, relations, below)


# --- The funnel ----------------------------------------------------------------------------------------


def funnel_marks(
    counts: Mapping[tuple[str, str | None], Mapping[str, int]], steps: Sequence[str], below: int
) -> dict[Hashable, Mark]:
    """The funnel counts to hide, keyed (step, county, station): a county's total is (step, county,
    None), the whole area's (step, None, None). Per step: a county's total and its stations (records
    without a station are a part never published), the area's total and its counties."""
    values: dict[Hashable, int] = {}
    relations: list[Relation] = []
    unpublished: list[Hashable] = []
    for step in steps:
        totals: dict[str, int] = defaultdict(int)
        stations: dict[str, list[Hashable]] = defaultdict(list)
        for (county, station), by_step in counts.items():
            n = int(by_step.get(step, 0))
            totals[county] += n
            if station is not None:
                values[(step, county, station)] = n
                stations[county].append((step, county, station))
        for county, total in totals.items():
            values[(step, county, None)] = total
            parts = list(stations[county])
            rest = total - sum(values[p] for p in parts)
            if rest > 0:
                values[("unstationed", step, county)] = rest
                unpublished.append(("unstationed", step, county))
                parts.append(("unstationed", step, county))
            relations.append(Relation((step, county, None), tuple(parts)))
        values[(step, None, None)] = sum(totals.values())
        relations.append(Relation((step, None, None), tuple((step, c, None) for c in sorted(totals))))
    marks = protect(values, relations, below, unpublished)
    return {k: m for k, m in marks.items() if k not in set(unpublished)}
