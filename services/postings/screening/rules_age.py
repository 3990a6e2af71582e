"""Ages: a ceiling needs a job-related reason; under 16, or 16-17 for work minors may not do, is refused."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from services.postings.screening.engine import Context, Finding, Rule, rule
from services.postings.screening.lexicon import alternation, family, product
from services.postings.screening.patterns import (
    LIMIT,
    PREFER,
    REJECT_AFTER,
    REJECT_BEFORE,
    char_before,
    near_before,
)

MIN_WORKING_AGE = 16
ADULT_AGE = 18

_PREFIX = (
    r"(?:年龄|年纪)(?:要求|限制|范围|段|条件|上限)?[:]?(?:在|为|须|需|要求|限|限于|是)?[:]?"
    r"(?:男女(?:均|不限,?)?|男性?|女性?|男士|女士)?"
)
_UNIT = r"周?岁"
_TO = r"(?:-+|至|到)"
_INCL = r"(?:\((?:含|不含|包含|包括)[^()]{0,8}\))?"

# Each pattern starts with a plain digit class (no group), so the regex engine can skip ahead to digits;
# the numbers are read from the match afterwards.
_AGE = r"[0-9][0-9]?(?![0-9])"
_RANGE = re.compile(rf"{_AGE}(?:{_UNIT})?{_TO}{_AGE}(?![.%])(?:{_UNIT})?{_INCL}(?:之间|以内|以下|左右)?")


@dataclass(frozen=True, slots=True)
class AgePattern:
    pattern: re.Pattern[str]
    needs_context: bool = False  # a bare number counts only with 岁 or after 年龄
    may_be_a_minimum: bool = True  # 未满18周岁勿扰 turns it into a minimum age
    not_after: str = "0123456789."  # characters that, just before, make it part of another number


_CEILINGS = (
    AgePattern(
        re.compile(rf"{_AGE}(?:{_UNIT})?{_INCL}(?:以下|以内|之内|之下|及以下|及以内|或以下|内)"), True
    ),
    AgePattern(
        re.compile(
            rf"(?:不超过|不大于|不高于|小于|低于|不满|未满|不超|不得超过|未超过|最大|最高|≤|<=|<){_AGE}(?:{_UNIT})?"
        ),
        True,
    ),
    AgePattern(
        re.compile(rf"{_AGE}{_UNIT}(?:以上|及以上|或以上)?(?:的|者|人员)?(?={REJECT_AFTER})"),
        may_be_a_minimum=False,
    ),
    AgePattern(re.compile(rf"[0-9][0-9](?:{_UNIT}(?:左右|上下|出头)|来岁)")),
    AgePattern(re.compile(rf"(?:年龄|年纪)(?:上限|最大|最高)[:为]?{_AGE}(?:{_UNIT})?")),
)
_MINIMUMS = (
    AgePattern(re.compile(rf"年满{_AGE}(?:{_UNIT})?")),
    AgePattern(re.compile(rf"满{_AGE}{_UNIT}"), not_after="年不未"),
    AgePattern(re.compile(rf"{_AGE}{_UNIT}(?:以上|起|及以上|或以上)"), not_after="0123456789.-至到"),
)
_NUMBER = re.compile(r"[0-9]+")
_HAS_UNIT = re.compile(_UNIT)
_PREFIX_BEFORE = re.compile(f"(?:{_PREFIX})$")
_MINORS_WELCOME = re.compile(r"未成年(?:人|工)?(?:也可|可|亦可|均可|欢迎)|(?:16|17)岁(?:也可|可|亦可|均可)")
_FORBIDDEN_WORK = re.compile(family("minor_forbidden_work"))
_NEGATION_BEFORE = re.compile(r"(?:无|不|非|没有|无需|不涉及|不用|不需)$")

# Ages that describe who is served or taught (3-6岁儿童, 照顾60岁以上老人), not who is hired.
_SERVED_BEFORE = re.compile(
    r"面向|针对|服务于|照顾|照看|辅导|陪伴|护理|看护|招生|小孩|孩子|儿童|子女|宝宝|幼儿|婴|少儿|青少年|老人"
)
# …or that describe the team or a result (团队平均年龄28岁, 看起来年轻十岁).
_DESCRIBING_BEFORE = re.compile(r"(?:平均|团队|同事|年轻|减龄|显小|看起来|看上去)的?$")
_SERVED_AFTER = re.compile(
    r"的?(?:儿童|孩子|小孩|宝宝|幼儿|婴|学生|学员|青少年|小朋友|少儿|患者|老人|老年|客户|用户|人群|群体|顾客|会员|消费者|退休)"
)
# 不招16岁以下 / 未满18周岁勿扰 set a minimum age, which is lawful.
_REJECTION_BEFORE = re.compile(rf"(?:{REJECT_BEFORE}|严禁|禁止|不得|杜绝|不允许)[^,;。]{{0,4}}$")
_REJECTION_AFTER = re.compile(rf"的?(?:{REJECT_AFTER})")


@dataclass(frozen=True, slots=True)
class AgeBound:
    start: int
    end: int
    lo: int | None
    hi: int | None


def _about_the_served(ctx: Context, start: int, end: int) -> bool:
    before = ctx.before(start, 6)
    return bool(
        _SERVED_BEFORE.search(before)
        or _DESCRIBING_BEFORE.search(before)
        or _SERVED_AFTER.match(ctx.after(end, 4))
    )


def _follows_number(ctx: Context, start: int, chars: str = "0123456789.") -> bool:
    return start > 0 and ctx.text[start - 1] in chars


def _with_prefix(ctx: Context, match: "re.Match[str]") -> int | None:
    """Where an age prefix (年龄：…) ending at the match starts, or None when there is none."""
    window = ctx.before(match.start(), 16)
    prefix = _PREFIX_BEFORE.search(window)
    return None if prefix is None else match.start() - (len(window) - prefix.start())


def _numbers(match: "re.Match[str]") -> list[int]:
    return [int(n) for n in _NUMBER.findall(match.group())]


def _ranges(ctx: Context) -> Iterator[AgeBound]:
    for m in _RANGE.finditer(ctx.text):
        lo, hi = _numbers(m)[:2]
        start = _with_prefix(ctx, m)
        if _follows_number(ctx, m.start()) or lo >= hi or (start is None and not _HAS_UNIT.search(m.group())):
            continue
        yield AgeBound(m.start() if start is None else start, m.end(), lo, hi)


def _is_turned_away(ctx: Context, match: "re.Match[str]") -> bool:
    return bool(
        _REJECTION_BEFORE.search(ctx.before(match.start(), 8))
        or _REJECTION_AFTER.match(ctx.after(match.end(), 5))
    )


def _ceilings(ctx: Context) -> Iterator[AgeBound]:
    for age in _CEILINGS:
        for m in age.pattern.finditer(ctx.text):
            start = _with_prefix(ctx, m)
            if age.needs_context and start is None and not _HAS_UNIT.search(m.group()):
                continue
            if _follows_number(ctx, m.start(), age.not_after):
                continue
            if age.may_be_a_minimum and _is_turned_away(ctx, m):
                continue
            yield AgeBound(m.start() if start is None else start, m.end(), None, _numbers(m)[0])


def _minimums(ctx: Context) -> Iterator[AgeBound]:
    for pattern in _MINIMUMS:
        for m in pattern.pattern.finditer(ctx.text):
            if _follows_number(ctx, m.start(), pattern.not_after):
                continue
            age = _numbers(m)[0]
            if _REJECTION_BEFORE.search(ctx.before(m.start(), 8)):
                yield AgeBound(m.start(), m.end(), None, age)  # 不招45岁以上: a ceiling in other words
            else:
                yield AgeBound(m.start(), m.end(), age, None)


def age_bounds(ctx: Context) -> list[AgeBound]:
    """Every age bound in the text that is about the people hired, in text order."""
    bounds = [*_ranges(ctx), *_ceilings(ctx), *_minimums(ctx)]
    kept = [b for b in bounds if not _about_the_served(ctx, b.start, b.end)]
    kept.sort(key=lambda b: (b.start, b.end))
    return kept


def _forbidden_work(ctx: Context) -> bool:
    for m in _FORBIDDEN_WORK.finditer(ctx.text):
        if not _NEGATION_BEFORE.search(ctx.before(m.start(), 4)):
            return True
    return False


def age_findings(ctx: Context) -> Iterator[Finding]:
    """Age ceilings (needs justification) and ages below what the law allows (prohibited)."""
    minors: list[tuple[int, int]] = []
    for b in age_bounds(ctx):
        if b.hi is not None and b.hi < MIN_WORKING_AGE:
            continue
        if b.hi is not None and b.hi >= ADULT_AGE:
            yield Finding(b.start, b.end, "age", "age_ceiling")
        if b.lo is not None and 6 <= b.lo < MIN_WORKING_AGE:
            yield Finding(b.start, b.end, "underage", "under_sixteen")
        elif b.lo is not None and MIN_WORKING_AGE <= b.lo < ADULT_AGE:
            minors.append((b.start, b.end))
    minors.extend(m.span() for m in _MINORS_WELCOME.finditer(ctx.text))
    if minors and _forbidden_work(ctx):
        for start, end in minors:
            yield Finding(start, end, "underage", "minor_in_forbidden_work")


_GENERATION = r"[0-9][05](?:后)?(?:[、/和及至到-]?[0-9][05](?:后)?)*后"
_NOT_A_NUMBER = char_before("0123456789.")
EXEMPT_AGE = re.compile(
    alternation(
        product("年龄", "不限|无要求|不是问题|不做要求|不作要求")
        + product("大龄", "也可|可|亦可|均可")
        + ["不限年龄", "不限年纪", "欢迎大龄"]
    )
)

AGE_RULES: tuple[Rule, ...] = (
    rule(
        "child_labour",
        "underage",
        r"童工",
        before=r"招|招收|招用|使用|雇佣|雇用|聘用",
        vetoes=[near_before(r"[不禁严杜拒]", 6)],
    ),
    rule("child_labour_welcome", "underage", r"童工(?:可|也可|亦可|欢迎)"),
    rule("generation_limited", "age", _GENERATION, before=LIMIT, vetoes=[_NOT_A_NUMBER]),
    rule("generation_preferred", "age", rf"{_GENERATION}(?:{PREFER})", vetoes=[_NOT_A_NUMBER]),
    rule(
        "youth_preferred",
        "age",
        rf"(?:年轻|青年)(?:人|女性|男性|女孩|女生|男生|小伙子?|妈妈|宝妈)?(?:{PREFER})",
    ),
    rule("older_rejected", "age", rf"(?:年龄|年纪|岁数)(?:偏大|太大|过大|大)(?:的|者)?(?:{REJECT_AFTER})"),
    rule("not_too_old", "age", r"(?:年龄|年纪|岁数)(?:不要|不能|不宜|不可)(?:太|过)?大"),
    rule(
        "elderly_rejected", "age", rf"(?:中老年|中年|老年人|大龄|高龄|超龄)(?:人|者|人员)?(?:{REJECT_AFTER})"
    ),
    rule(
        "born_after",
        "age",
        r"(?:19|20)[0-9]{2}年(?:[0-9]{1,2}月)?(?:[0-9]{1,2}日)?(?:及|或|以)?(?:以后|之后|后)(?:出生|生)",
    ),
    rule("youth_only", "age", r"年轻|青年(?!突击|志愿|文明|团|节|干部)", before=LIMIT),
    rule("older_turned_away", "age", r"中老年|大龄|高龄|超龄", before=REJECT_BEFORE),
)
