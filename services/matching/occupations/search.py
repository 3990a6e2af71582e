"""The occupations autocomplete: names and aliases that match what was typed, and the coder's guesses.

Text is folded (width, case, traditional → simplified) on both sides. A name or alias that equals the
query scores highest, then one that starts with it, then one that contains it; shorter matches first.
The coder's probabilities join in when it is loaded; a query shaped like a code ("6-18") lists codes.
"""

import re
from dataclasses import dataclass
from functools import cache

from services.matching.occupations.coder import OccupationCoder
from services.matching.occupations.text import clean_name, fold
from services.reference.occupations import occupations

CODE_QUERY = re.compile(r"^[1-8](?:-\d{0,2}){0,3}$")
_SPACES = re.compile(r"\s+")
GROUP_FACTOR = 0.8  # a group (levels 1-3) ranks below a detailed occupation that matches as well


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    name: str
    level: int
    score: float
    p: float | None = None
    matched_alias: str | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    name: str  # as shown: without the green (L) / digital (S) marks
    level: int
    folded_name: str
    aliases: tuple[tuple[str, str], ...]  # (folded, as written)


@cache
def _entries() -> tuple[_Entry, ...]:
    out = []
    for code, occ in occupations().items():
        name = clean_name(occ.name)
        aliases = tuple((_key(a), a) for a in occ.aliases if _key(a) and _key(a) != _key(name))
        out.append(_Entry(code, name, occ.level, _key(name), aliases))
    return tuple(out)


def _key(text: str) -> str:
    return _SPACES.sub("", fold(text))


def _match(query: str, target: str) -> float:
    """0 when `target` does not contain `query`; else by kind of match, shorter targets higher."""
    if query == target:
        return 1.0
    if target.startswith(query):
        base = 0.8
    elif query in target:
        base = 0.6
    else:
        return 0.0
    return base * (0.6 + 0.4 * len(query) / len(target))


def _text_matches(query: str) -> dict[str, Suggestion]:
    out: dict[str, Suggestion] = {}
    for e in _entries():
        best, alias = _match(query, e.folded_name), None
        for folded, written in e.aliases:
            score = 0.9 * _match(query, folded)
            if score > best:
                best, alias = score, written
        if best > 0:
            factor = 1.0 if e.level == 4 else GROUP_FACTOR
            out[e.code] = Suggestion(e.code, e.name, e.level, round(best * factor, 4), None, alias)
    return out


def _code_matches(query: str, limit: int) -> list[Suggestion]:
    prefix = query.rstrip("-")
    out = []
    for e in _entries():
        if e.code.startswith(prefix):
            exact = e.code.replace("-00", "") == prefix or e.code == prefix
            out.append(Suggestion(e.code, e.name, e.level, 1.0 if exact else 0.9))
            if len(out) >= limit + 1:
                break
    out.sort(key=lambda s: -s.score)
    return out[:limit]


def suggest(query: str, limit: int, coder: OccupationCoder | None) -> list[Suggestion]:
    """The best `limit` codes for what was typed, best first."""
    key = _key(query)
    if not key:
        return []
    if CODE_QUERY.match(key):
        return _code_matches(key, limit)
    found = _text_matches(key)
    if coder is not None:
        for code, p in coder.predict([query], limit)[0]:
            text = found.get(code)
            occ = occupations()[code]
            score = max(p, text.score if text else 0.0)
            alias = text.matched_alias if text else None
            found[code] = Suggestion(
                code, clean_name(occ.name), occ.level, round(score, 4), round(p, 4), alias
            )
    ranked = sorted(found.values(), key=lambda s: (-s.score, s.level != 4, s.code))
    return ranked[:limit]
