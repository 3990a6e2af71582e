"""Normalise posting text for the rules, keeping a map back to the original offsets.

The rules see simplified characters, half-width punctuation, lower-case Latin letters, no spaces and
Arabic digits for Chinese numerals in ages and heights. Every normalised character remembers the
original range it came from, so a finding is reported on the text the employer wrote.
"""

import bisect
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

_DASHES = "‐‑‒–—―−﹣－~～〜"
_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "零〇一二两三四五六七八九十百"

# What disappears: spaces and tabs (not newlines, which end a clause), invisible format characters,
# and the HTML non-breaking-space entity scraped pages leave behind.
_SPACES = " \t\f\v\xa0\u2000-\u200f\u202a-\u202f\u205f-\u2064\ufeff"
_DROP = re.compile(rf"&nbsp;?|[{_SPACES}]+")
# Chinese numerals are rewritten only where they are an age, a height, a weight or a birth cohort, never
# elsewhere ("一带一").
# A tens numeral (三十, 四十五, 十八) said as an age without 岁: before a word that bounds or rounds an age
# (三十以下, 四十五往上, 三十上下, 四十开外) or after one that compares (过了四十, 超过三十五, 年纪三十).
_TENS = "[一二三四五六七八九]?十[一二三四五六七八九]?"
_AGE_AFTER = (
    "以下|以上|以内|之内|往上|往下|上下|左右|出头|开外|挂零|多岁|之间|的不|的勿|的就|的人|的优先|[至到-]"
)
_AGE_BEFORE = tuple("过了 超过 超了 上了 年满 大于 小于 低于 不满 未满 岁数 年纪 年龄".split())
_NUMERAL = re.compile(
    "|".join(
        [
            rf"[{_CN}]{{1,4}}(?=[ ]*[来多几]?周?岁|[ ]*[至到-][ ]*[{_CN}\d]{{1,4}}[ ]*周?岁)",
            rf"{_TENS}(?=[ ]*(?:{_AGE_AFTER}))",
            *(rf"(?<={word}){_TENS}|(?<={word}[在为是:]){_TENS}" for word in _AGE_BEFORE),
            r"[一二三四五六七八九](?=米)|(?<=米)[零〇一二三四五六七八九]{1,2}",
            rf"[一二]百[{_CN}]{{0,4}}(?=[ ]*(?:cm|厘米|公分|以上|以下|斤|公斤))",
            rf"[{_CN}]{{1,4}}(?=[ ]*(?:公斤|斤))",
        ]
    )
)
# Birth cohorts: 九零后 → 90后, 零零后 → 00后 (read digit by digit).
_COHORT = re.compile(r"[〇零五六七八九][〇零五](?=后)")
# Typing slips that hide a number: 一 as a dash between digits (16一40岁) or between an age with its unit
# and the next age (18周岁一40周岁), 一下/已下 for 以下 after an age.
_SLIP = re.compile(
    r"(?<=\d)(?P<dash>一)(?=\d)|(?<=[\d周]岁)(?P<unit_dash>一)(?=(?:\d{1,2}|[二三四五六七八九十]{1,3})周?岁)|(?<=岁)[一已](?=下|内|上)"
)
# …and between two numerals in words: 二十五一三十五岁 is 25-35岁.
_CN_RANGE = re.compile(rf"(?P<lo>{_TENS})一(?P<hi>{_TENS})(?=[ ]*周?岁)")
# Where any of them could start: one character class, which the regex engine scans for quickly.
_CANDIDATE = re.compile(rf"[&{_SPACES}{_CN}已]")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text and the stretches that changed, to map a range back to the original text."""

    text: str
    # One entry per change, in order: where it starts and ends in the normalised and in the original text.
    norm_starts: tuple[int, ...]
    norm_ends: tuple[int, ...]
    orig_starts: tuple[int, ...]
    orig_ends: tuple[int, ...]
    # Normalised positions where a space between words was dropped: a soft boundary for the rules.
    breaks: frozenset[int] = frozenset()

    def _last_change(self, pos: int) -> int:
        return bisect.bisect_right(self.norm_starts, pos) - 1

    def _start(self, pos: int) -> int:
        i = self._last_change(pos)
        if i < 0:
            return pos
        if pos < self.norm_ends[i]:
            return self.orig_starts[i]
        return self.orig_ends[i] + pos - self.norm_ends[i]

    def _end(self, pos: int) -> int:
        """The original end of the character at normalised position pos."""
        i = self._last_change(pos)
        if i >= 0 and pos < self.norm_ends[i]:
            return self.orig_ends[i]
        return self._start(pos) + 1

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original range that the normalised range [start, end) came from."""
        return self._start(start), self._end(end - 1)


def chinese_to_int(numeral: str) -> int:
    """Read a Chinese numeral: 三十五 → 35, 一百六十 → 160, 一六五 → 165, 十八 → 18."""
    if "十" not in numeral and "百" not in numeral:
        return int("".join(str(_DIGIT[c]) for c in numeral))
    total, current = 0, 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGIT[char]
    return total + current


@cache
def _translation() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    for dash in _DASHES:
        table[ord(dash)] = "-"
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):
        table[code] = chr(code - 0xFEE0 + 32)
    table.update(_traditional_to_simplified())
    table[ord("\r")] = "\n"
    return table


def _traditional_to_simplified() -> dict[int, str]:
    """One-to-one character table from OpenCC's dictionary (first candidate), so offsets never shift."""
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            table[ord(source)] = target
    return table


def _changes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every stretch normalisation drops or rewrites, in order."""
    changes: list[tuple[int, int, str]] = []
    pos = 0
    while (candidate := _CANDIDATE.search(text, pos)) is not None:
        at = candidate.start()
        if (drop := _DROP.match(text, at)) is not None:
            changes.append((at, drop.end(), ""))
            pos = drop.end()
        elif (slip := _SLIP.match(text, at)) is not None:
            changes.append((at, slip.end(), "-" if slip.group("dash") or slip.group("unit_dash") else "以"))
            pos = slip.end()
        elif (cn_range := _CN_RANGE.match(text, at)) is not None:
            lo, hi = chinese_to_int(cn_range.group("lo")), chinese_to_int(cn_range.group("hi"))
            changes.append((at, cn_range.end(), f"{lo}-{hi}"))
            pos = cn_range.end()
        elif (cohort := _COHORT.match(text, at)) is not None:
            changes.append((at, cohort.end(), "".join(str(_DIGIT[c]) for c in cohort.group())))
            pos = cohort.end()
        elif (numeral := _NUMERAL.match(text, at)) is not None:
            changes.append((at, numeral.end(), str(chinese_to_int(numeral.group()))))
            pos = numeral.end()
        else:
            pos = at + 1
    return changes


def normalize(text: str) -> Normalized:
    """The text as the rules see it, with what is needed to map offsets back to `text`."""
    translated = text.translate(_translation())
    changes = _changes(translated)
    if not changes:
        return Normalized(translated, (), (), (), ())
    pieces: list[str] = []
    norm_starts: list[int] = []
    norm_ends: list[int] = []
    length = done = 0
    for begin, stop, replacement in changes:
        pieces.append(translated[done:begin])
        length += begin - done
        pieces.append(replacement)
        norm_starts.append(length)
        length += len(replacement)
        norm_ends.append(length)
        done = stop
    pieces.append(translated[done:])
    orig_starts = tuple(c[0] for c in changes)
    orig_ends = tuple(c[1] for c in changes)
    breaks = frozenset(
        norm_starts[i]
        for i, (begin, _, replacement) in enumerate(changes)
        if not replacement and _is_space(translated[begin])
    )
    return Normalized("".join(pieces), tuple(norm_starts), tuple(norm_ends), orig_starts, orig_ends, breaks)


def _is_space(char: str) -> bool:
    return char == "&" or char.isspace()
