"""Related occupations: the CSCO hierarchy plus a learned table shipped as derived data (docs/ranking.md).

`relatedness()` holds a dense matrix R over the occupation table (plus the padding index): R[a, b] is how
close occupation b is to a seeker who wants a, 1 on the diagonal, 0 for unrelated codes. A seeker's wish
(the codes they picked, or the coder's best codes for their words) spreads over R: `reach(wish)[b]` is
max over wished codes a of weight(a) × R[a, b]. The same numbers serve both directions of a pair.

The learned pairs (`data/related_occupations.csv`) are built by
`python -m services.matching.ranking.build_related`.
"""

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from services.matching.contracts import Reason
from services.matching.ranking.vocab import OccupationTable, occupation_table

# Closeness by the deepest CSCO group two codes share (decreasing with the group's breadth).
SAME_MINOR = 0.6
SAME_MEDIUM = 0.45
SAME_MAJOR = 0.3
MAX_WISH = 4  # codes a wish holds: picked ones first, then the coder's best
WISH_SHARE = 0.5  # a predicted code joins the wish when its probability is at least this share of the best
WISH_SURE = 0.5  # ... and weighs p / this (at most 1): the coder's doubt weakens the spread
TABLE_FILE = "related_occupations.csv"
WHY_CACHE = 200_000  # named pairs kept
SOURCES = ("titles", "employers")  # of learned pairs: titles coded either way; codes posted together

F32 = npt.NDArray[np.float32]
I16 = npt.NDArray[np.int16]

_LEARNED_TEXT = {
    "titles": ("招聘标题常两者混用", "job titles often mean either"),
    "employers": ("常由同一类雇主招聘", "often hired by the same employers"),
}


@dataclass(frozen=True, slots=True)
class Wish:
    """The occupations a person wants, most wanted first, each with a weight in 0..1."""

    codes: tuple[int, ...] = ()
    weights: tuple[float, ...] = ()


def wish_of(predicted: Sequence[tuple[int, float]], chosen: Sequence[int]) -> Wish:
    """Picked codes (weight 1), then predicted codes within WISH_SHARE of the best (weight p / WISH_SURE,
    at most 1)."""
    out: dict[int, float] = {i: 1.0 for i in chosen}
    best = max((p for _, p in predicted), default=0.0)
    for i, p in sorted(predicted, key=lambda kv: -kv[1]):
        if best > 0 and p >= WISH_SHARE * best and i not in out:
            out[i] = round(min(1.0, p / WISH_SURE), 4)
    items = list(out.items())[:MAX_WISH]
    return Wish(tuple(i for i, _ in items), tuple(w for _, w in items))


def picked_wish(index: Mapping[str, int], codes: Sequence[str]) -> Wish:
    """The wish of the codes a person picked alone (what the non-personalised list may read)."""
    return wish_of((), [index[c] for c in dict.fromkeys(codes) if c in index][:MAX_WISH])


def _parts(code: str) -> tuple[str, str | None, str | None]:
    """(major, medium, minor) group keys of a code; None where the code is coarser than that level."""
    major, medium, minor, _ = code.split("-")
    med = f"{major}-{medium}" if medium != "00" else None
    return major, med, (f"{med}-{minor}" if med is not None and minor != "00" else None)


class Relatedness:
    """R over the occupation table's codes (see the module docstring) and why two codes are related."""

    def __init__(self, table: OccupationTable, learned: Sequence[tuple[str, str, float, str]]) -> None:
        self.table = table
        n = table.size
        keys = [_parts(c) for c in table.codes]
        levels = []
        for pos in (0, 1, 2):
            ids = {
                k: j for j, k in enumerate(dict.fromkeys(key[pos] for key in keys if key[pos] is not None))
            }
            levels.append(
                np.array([ids[k[pos]] if k[pos] is not None else -1 - i for i, k in enumerate(keys)])
            )
        major, medium, minor = levels
        m = np.zeros((n + 1, n + 1), dtype=np.float32)
        m[:n, :n] = np.where(
            minor[:, None] == minor[None, :],
            SAME_MINOR,
            np.where(
                medium[:, None] == medium[None, :],
                SAME_MEDIUM,
                np.where(major[:, None] == major[None, :], SAME_MAJOR, 0.0),
            ),
        )
        self.hierarchy = m.copy()
        self.learned: dict[tuple[int, int], tuple[float, str]] = {}
        for a, b, weight, source in learned:
            i, j = table.index.get(a), table.index.get(b)
            if i is not None and j is not None and i != j:
                for x, y in ((i, j), (j, i)):
                    self.learned[(x, y)] = (weight, source)
                    m[x, y] = max(m[x, y], weight)
        np.fill_diagonal(m[:n, :n], 1.0)
        self.matrix: F32 = m
        self.pad = n
        self._why: dict[tuple[int, int], Reason] = {}

    def reach(self, wish: Wish) -> F32:
        """Closeness of every code (and 0 for the padding index) to the wish."""
        out = np.zeros(self.pad + 1, dtype=np.float32)
        for i, w in zip(wish.codes, wish.weights, strict=True):
            np.maximum(out, np.float32(w) * self.matrix[i], out=out)
        return out

    def toward(self, ids: I16, weights: F32, code: int) -> npt.NDArray[np.float64]:
        """Per row of wishes (ids padded with `pad`, weight 0): closeness of `code` (-1: none) to it."""
        if code < 0 or ids.size == 0:
            return np.zeros(len(ids))
        column = self.matrix[:, code]
        out: npt.NDArray[np.float64] = (column[ids] * weights).max(axis=1).astype(np.float64)
        return out

    def closest(self, wish: Wish, code: int) -> int:
        """The wished code that `code` is closest to."""
        if len(wish.codes) == 1:
            return wish.codes[0]
        m = self.matrix
        scores = [w * m.item(i, code) for i, w in zip(wish.codes, wish.weights, strict=True)]
        return wish.codes[scores.index(max(scores))]

    def why(self, wished: int, code: int) -> Reason:
        """What `code` shares with the wished code, "与烧结成品工相近：同属炼铁人员" (memoised)."""
        found = self._why.get((wished, code))
        if found is None:
            if len(self._why) >= WHY_CACHE:
                self._why.clear()
            found = self._why[(wished, code)] = self._explain(wished, code)
        return found

    def _explain(self, wished: int, code: int) -> Reason:
        name = self.table.name(wished)
        learned = self.learned.get((wished, code))
        if learned is not None and learned[0] > self.hierarchy[wished, code]:
            zh, en = _LEARNED_TEXT[learned[1]]
            return Reason(zh=f"与{name}相近：{zh}", en=f"Close to {name}: {en}")
        group = self.shared_group(wished, code)
        return Reason(zh=f"与{name}相近：同属{group}", en=f"Close to {name}: both are {group}")

    def shared_group(self, a: int, b: int) -> str:
        """The name of the deepest CSCO group both codes lie in ('' when none)."""
        pa, pb = _parts(self.table.codes[a]), _parts(self.table.codes[b])
        shared = ""
        for level, (x, y) in enumerate(zip(pa, pb, strict=True)):
            if x is None or x != y:
                break
            if _group_code(x, level) in self.table.index:  # some medium groups have no minor groups
                shared = _group_code(x, level)
        return self.table.name(self.table.index[shared]) if shared else ""


def _group_code(key: str, level: int) -> str:
    return key + "-00" * (3 - level)


def read_table() -> list[tuple[str, str, float, str]]:
    """The shipped learned pairs (code_a, code_b, weight, source)."""
    path = resources.files("services.matching.ranking") / "data" / TABLE_FILE
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [(r["code_a"], r["code_b"], float(r["weight"]), r["source"]) for r in csv.DictReader(fh)]


@cache
def relatedness() -> Relatedness:
    """The process-wide table: hierarchy plus the shipped learned pairs."""
    return Relatedness(occupation_table(), read_table())


EXACT_NOTE = "正是您想做的工作：{}", "The work you want: {}"
OTHER = Reason(zh="附近的其他工作", en="Other work nearby")
EMPLOYER_EXACT = "想做的正是这类工作：{}", "Wants exactly this kind of work: {}"
EMPLOYER_OTHER = "想做的是其他工作", "Wants other work"
NOTHING_EXACT = Reason(
    zh="附近暂无您想做的工作，以下是相近的岗位",
    en="No work of the kind you want is within reach; here is related work",
)
NOTHING_CLOSE = Reason(
    zh="附近暂无您想做或相近的工作，以下是附近的其他岗位",
    en="No work of the kind you want, or close to it, is within reach; here is other work nearby",
)


def fit_of(
    rel: Relatedness, wish: Wish, code: int, reach: float, employer: bool = False
) -> dict[str, str] | None:
    """A result's `fit`: exact (a wished code), related (named) or other; None without a wish. The
    employer's wording speaks of the candidate ("想做相近的工作（…）")."""
    if not wish.codes:
        return None
    kind, zh, en = "other", *(EMPLOYER_OTHER if employer else (OTHER.zh, OTHER.en))
    if code in wish.codes:
        name = rel.table.name(code)
        kind, zh, en = "exact", *(s.format(name) for s in (EMPLOYER_EXACT if employer else EXACT_NOTE))
    elif code >= 0 and reach > 0:
        why = rel.why(rel.closest(wish, code), code)
        kind, zh, en = "related", why.zh, why.en
        if employer:
            zh, en = f"想做相近的工作（{zh}）", f"Wants related work ({en})"
    return {"kind": kind, "zh": zh, "en": en}


def row_fit(
    rel: Relatedness, ids: Sequence[int], weights: Sequence[float], code: int
) -> dict[str, str] | None:
    """fit_of, in the employer's wording, for a wish stored as a padded row (a candidate pool's)."""
    kept = [(i, w) for i, w in zip(ids, weights, strict=True) if i != rel.pad and w > 0]
    wish = Wish(tuple(i for i, _ in kept), tuple(w for _, w in kept))
    reach = max((w * rel.matrix.item(i, code) for i, w in kept), default=0.0) if code >= 0 else 0.0
    return fit_of(rel, wish, code, reach, employer=True)


def fit_notice(fits: Sequence[object]) -> Reason | None:
    """What a list says when none of its results is the wished work (None when one is, or no wish)."""
    kinds = [f.get("kind") for f in fits if isinstance(f, dict)]
    if not kinds or "exact" in kinds:
        return None
    return NOTHING_EXACT if "related" in kinds else NOTHING_CLOSE
