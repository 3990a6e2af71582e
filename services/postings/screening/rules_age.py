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
    SEPARATORS,
    char_before,
    in_clause,
    near_after,
    near_before,
    not_at_clause_start,
    starts_clause,
)

MIN_WORKING_AGE = 16
ADULT_AGE = 18
# A minimum age above 18 shuts young adults out (年龄23岁以上): it needs a reason like a ceiling does. From
# 40 up a minimum reaches out to older workers (4050 policies, 大龄也可) and is left alone.
OLDER_WORKERS_AGE = 40
# The statutory retirement ages: men 60 (63 under the 2025 reform), women 50 or 55 (and 60 for some posts).
# A range from the working age (or a limit alone, whose floor is the legal working age) up to one of them
# is the whole working life, not a ceiling: 60 or 63 for everyone, 50 or 55 only where it is the women's
# (女18-50岁); for men 50 is a ceiling. From 65 up a limit is about re-hired retirees and is no ceiling.
RETIREMENT_AGES = frozenset({60, 63})
WOMEN_RETIREMENT_AGES = frozenset({50, 55})
RETIREES_AGE = 65
# A licence is had at 18 at the earliest, so 21-60岁 next to 3年以上驾龄 asks for the driving years, not an
# age: a floor of 18 + the years of driving required, up to about the retirement age, is no age limit.
LICENCE_AGE = 18
_NEAR_RETIREMENT = range(59, 64)
_DRIVING_YEARS = re.compile(
    r"(?P<a>[0-9]{1,2}|[一二两三四五六七八九十])年(?:及|或)?(?:以上)?(?:的)?(?:实际)?驾龄"
    r"|驾龄(?:要求)?(?:需|须|必须)?(?:在|满|达到|不少于|不低于)?(?P<b>[0-9]{1,2}|[一二两三四五六七八九十])年"
)
_WORD_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"两": 2}
_WOMEN_BEFORE = re.compile(r"(?:女|女性|女士|女工|女生)[:]?(?:年龄)?[:]?$")

_PREFIX = (
    r"(?:年龄|年纪|岁数)(?:要求|限制|范围|段|条件|上限)?[:]?"
    r"(?:尽量|尽可能|原则上|一般|最好|必须|须|需|要求|应|限于?)?(?:控制)?(?:在|为|是)?[:]?"
    r"(?:男女(?:均|不限,?)?|男性?|女性?|男士|女士)?"
)
_UNIT = r"(?:岁?周)?岁(?:周(?=以|及|或))?"  # 岁, 周岁, and the slips 岁周岁 and 岁周以上
_TO = r"(?:-+|_+|至|到)"
_INCL = r"(?:\((?:含|不含|包含|包括)[^()]{0,8}\))?"

# Each pattern starts with a plain digit class (no group), so the regex engine can skip ahead to digits;
# the numbers are read from the match afterwards.
_AGE = r"[0-9][0-9]?(?![0-9])"
# 20周岁（含）-40周岁（含）: each bound may say it is included
_RANGE = re.compile(
    rf"{_AGE}(?:{_UNIT})?{_INCL}{_TO}{_AGE}(?![.%])(?:{_UNIT})?{_INCL}(?:之间|以内|以下|左右)?"
)


@dataclass(frozen=True, slots=True)
class AgePattern:
    pattern: re.Pattern[str]
    needs_context: bool = False  # a bare number counts only with 岁 or after 年龄
    may_be_a_minimum: bool = True  # 未满18周岁勿扰 turns it into a minimum age
    not_after: str = "0123456789."  # characters that, just before, make it part of another number


# A refusal after an age (勿扰, 不要, 不建议投, 就别投了).
_TURNED_AWAY = rf"(?:就)?(?:{REJECT_AFTER}|不建议|别投|别来|就别)"
# An age not just after 未满/不满/低于 (未满18周岁勿扰 turns away those under 18: a minimum).
_NOT_UNDER = r"[0-9](?<!未满[0-9])(?<!不满[0-9])(?<!低于[0-9])(?<!小于[0-9])(?<!不到[0-9])[0-9]?(?![0-9])"
_CEILINGS = (
    AgePattern(
        re.compile(rf"{_AGE}(?:{_UNIT})?{_INCL}(?:以下|以以下|以内|之内|之下|及以下|及以内|或以下|内|往下)"),
        True,
    ),
    AgePattern(
        re.compile(
            rf"(?:不超过|不大于|不高于|小于|低于|不满|未满|不超|不得超过|未超过|别超过|不要超过|不能超过|不可超过|不宜超过"
            rf"|最大|最高|≤|<=|<){_AGE}(?:{_UNIT})?"
        ),
        True,
    ),
    AgePattern(
        re.compile(rf"{_NOT_UNDER}{_UNIT}(?:以上|及以上|或以上|往上|开外)?(?:的|者|人员)?(?={_TURNED_AWAY})"),
        may_be_a_minimum=False,
    ),
    # 四十五往上的不要 / 35+勿扰 / 过了40的不建议投 / 年满35的不要: an upper limit said as a refusal
    AgePattern(
        re.compile(rf"{_NOT_UNDER}(?:以上|及以上|往上|开外|\+|多岁)(?:的|者|人员)?(?={_TURNED_AWAY})"),
        may_be_a_minimum=False,
    ),
    AgePattern(
        re.compile(
            rf"(?=[过超上年满大高])(?:过了|超过了?|超了|上了|年满|满了|大于|高于){_AGE}(?:{_UNIT})?(?:以上|往上)?(?:的|者|人员)?"
            rf"(?={_TURNED_AWAY})"
        ),
        may_be_a_minimum=False,
    ),
    AgePattern(re.compile(rf"[0-9][0-9](?:{_UNIT}(?:左右|上下|出头)|来岁|多岁|几岁)")),
    AgePattern(re.compile(r"[0-9][0-9](?:左右|上下|出头)"), True),
    AgePattern(
        re.compile(
            rf"[0-9][0-9](?:左右|上下|出头)(?:的|者)?(?:大姐|阿姨|大哥|大叔|师傅|人员?|女性|男性)?"
            rf"(?={PREFER}|{_TURNED_AWAY})"
        )
    ),
    AgePattern(re.compile(rf"(?:年龄|年纪)(?:上限|最大|最高)[:为]?{_AGE}(?:{_UNIT})?")),
    AgePattern(re.compile(rf"(?:最大|最高)(?:年龄|年纪)[:为]?(?:不超过)?{_AGE}(?:{_UNIT})?")),
)
_MINIMUMS = (
    AgePattern(re.compile(rf"年满{_AGE}(?:{_UNIT})?")),
    AgePattern(re.compile(rf"满{_AGE}{_UNIT}"), not_after="年不未"),
    # 25周岁（含）以上: the floor itself included, said in brackets
    AgePattern(
        re.compile(rf"{_AGE}{_UNIT}{_INCL}(?:以上|起|及以上|或以上|\+)"), not_after="0123456789.-至到"
    ),
    AgePattern(re.compile(rf"{_AGE}(?:以上|起|及以上|或以上|\+)"), True, not_after="0123456789.-至到"),
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
_DESCRIBING_BEFORE = re.compile(
    r"(?:平均|团队|同事|年轻|减龄|显小|看起来|看上去|都是|均为|大多|多为|大部分|我们|一群|一帮|一支)的?(?:是|在)?$"
)
# 主要客户为25-40岁女性: the customers' ages.
_SERVED_LEAD = re.compile(
    r"(?:客户|顾客|用户|会员|消费者|学员|患者|客群|受众|对象)群?体?(?:主要|多|大多|均)?(?:为|是|以|在|年龄段?为?)?[:]?$"
    r"|(?:^|[,.:;、]|专|主要|帮助|服务|致力于)为$"
)
_SERVED_AFTER = re.compile(
    r"的?(?:儿童|孩子|小孩|宝宝|幼儿|婴|学生|学员|青少年|小朋友|少儿|患者|老人|老年|客户|用户|人群|群体|顾客|会员|消费者|退休"
    r"|子女|父母|家属)"
)
# 不招16岁以下 / 未满18周岁勿扰 set a minimum age, which is lawful.
_REJECTION_BEFORE = re.compile(rf"(?:{REJECT_BEFORE}|严禁|禁止|不得|杜绝|不允许)[^,;。]{{0,4}}$")
_REJECTION_AFTER = re.compile(rf"的?(?:{REJECT_AFTER})")
_REJECT_JUST_BEFORE = re.compile(rf"{REJECT_BEFORE}$")


# 欢迎35岁以上的开发者 / 45岁以上也可: a minimum that welcomes, or sets a condition for, a group.
_WELCOME_BEFORE = re.compile(r"(?:欢迎|鼓励|接受|接收|吸纳|招聘|招收|包括|含|另招)[^,;。]{0,4}$")
_WELCOME_AFTER = re.compile(
    r"的?(?:[^,;。]{0,8}?(?:也可|亦可|均可|都可|可以|也欢迎|欢迎|退休|大龄|老人|老年))|的?(?:者|人员)?(?:需|须|要|应|可|必须)"
)
_RETIRED = re.compile(r"退休|返聘")
# A bare range (16-40, 男女不限) is an age when its clause talks about applicants and not about money.
_ABOUT_APPLICANTS = re.compile(r"男女|性别|学历|经验|身体健康|吃苦|周岁|年龄")
_ABOUT_OTHER = re.compile(r"元|薪|工资|小时|/|k|万|人|名|天|度|米|公斤|斤|cm|分钟|公里|号|点|%|平")


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
        or _SERVED_LEAD.search(ctx.before(start, 12))
        or _SERVED_AFTER.match(ctx.after(end, 4))
    )


def after_list_marker(ctx: Context, start: int) -> bool:
    """start follows a list marker that opens a clause: "1.", "2..", "3、", "-", "(2)", or a dropped space."""
    if start in ctx.breaks:
        return True
    i = start
    while i > 0 and ctx.text[i - 1] in ".、)-":
        i -= 1
    if i == start:
        return False
    j = i
    while j > 0 and ctx.text[j - 1].isdigit() and i - j < 2:
        j -= 1
    return starts_clause(ctx, j) or (j > 0 and ctx.text[j - 1] == "(")


def _follows_number(ctx: Context, start: int, chars: str = "0123456789.", unit: bool = False) -> bool:
    """The match continues a number (3.5, 2018), unless an age with 岁 was run into one (600045岁)."""
    if start <= 0 or ctx.text[start - 1] not in chars or after_list_marker(ctx, start):
        return False
    return not (unit and ctx.text[max(0, start - 2) : start].isdigit())


def _bare_range_is_an_age(ctx: Context, match: "re.Match[str]", lo: int, hi: int) -> bool:
    """16-40，男女不限 / 1.35-45之间: a range that opens a requirement clause about the applicant."""
    if not (MIN_WORKING_AGE <= lo < hi <= 70) or not starts_clause(ctx, match.start()):
        if not after_list_marker(ctx, match.start()):
            return False
    clause = ctx.clause(match.start())
    tail = ctx.after(match.end(), 1)
    return (
        (tail == "" or tail in SEPARATORS or match.group().endswith("之间"))
        and bool(_ABOUT_APPLICANTS.search(clause))
        and not _ABOUT_OTHER.search(ctx.after(match.end(), 3))
    )


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
        unit = bool(_HAS_UNIT.search(m.group()))
        if _follows_number(ctx, m.start(), unit=unit) or lo >= hi:
            continue
        if start is None and not _HAS_UNIT.search(m.group()) and not _bare_range_is_an_age(ctx, m, lo, hi):
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
            if (
                age.needs_context
                and start is None
                and not _HAS_UNIT.search(m.group())
                and not _REJECT_JUST_BEFORE.search(ctx.before(m.start(), 4))
            ):
                continue
            if _follows_number(ctx, m.start(), age.not_after, unit=bool(_HAS_UNIT.search(m.group()))):
                continue
            if age.may_be_a_minimum and _is_turned_away(ctx, m):
                # 不收30以下的 / 25岁以下勿扰: those under the age are turned away, so it is a minimum
                yield AgeBound(m.start(), m.end(), _numbers(m)[0], None)
                continue
            yield AgeBound(m.start() if start is None else start, m.end(), None, _numbers(m)[0])


def _welcomes(ctx: Context, match: "re.Match[str]") -> bool:
    return bool(
        _WELCOME_BEFORE.search(ctx.before(match.start(), 8))
        or _WELCOME_AFTER.match(ctx.after(match.end(), 12))
        or _RETIRED.search(ctx.clause(match.start()))
    )


def _minimums(ctx: Context) -> Iterator[AgeBound]:
    for pattern in _MINIMUMS:
        for m in pattern.pattern.finditer(ctx.text):
            start = _with_prefix(ctx, m)
            if _follows_number(ctx, m.start(), pattern.not_after):
                continue
            if pattern.needs_context and start is None:
                continue
            age = _numbers(m)[0]
            if _REJECTION_BEFORE.search(ctx.before(m.start(), 8)):
                yield AgeBound(m.start(), m.end(), None, age)  # 不招45岁以上: a ceiling in other words
            elif age <= ADULT_AGE or not _welcomes(ctx, m):
                yield AgeBound(m.start() if start is None else start, m.end(), age, None)


def age_bounds(ctx: Context) -> list[AgeBound]:
    """Every age bound in the text that is about the people hired, in text order."""
    bounds = [*_ranges(ctx), *_ceilings(ctx), *_minimums(ctx)]
    served = [b for b in bounds if _about_the_served(ctx, b.start, b.end)]
    # A bound inside one about the customers (客户群体18-35岁左右 → 35岁左右) is about them too.
    kept = [b for b in bounds if not any(s.start < b.end and b.start < s.end for s in served)]
    kept.sort(key=lambda b: (b.start, b.end))
    return kept


def _forbidden_work(ctx: Context) -> bool:
    for m in _FORBIDDEN_WORK.finditer(ctx.text):
        if not _NEGATION_BEFORE.search(ctx.before(m.start(), 4)):
            return True
    return False


def _driving_years(ctx: Context) -> set[int]:
    """The years of driving the text asks for (3年以上驾龄, 驾龄满三年)."""
    found = set()
    for m in _DRIVING_YEARS.finditer(ctx.text):
        years = m.group("a") or m.group("b")
        found.add(int(years) if years.isdigit() else _WORD_NUMBERS[years])
    return found


def _working_life(ctx: Context, bound: AgeBound) -> bool:
    """16-60岁 / 60周岁以下 / 女18至55周岁 / 65周岁以下: the working life, or a limit for retirees."""
    assert bound.hi is not None
    if bound.lo is not None and bound.lo > ADULT_AGE:
        # 21-65岁: a minimum above 18 needs a reason whatever the top, unless it is the driving years'
        near_top = bound.hi in _NEAR_RETIREMENT or bound.hi >= RETIREES_AGE
        return near_top and bound.lo - LICENCE_AGE in _driving_years(ctx)
    if bound.hi >= RETIREES_AGE:
        return True
    if bound.lo is not None and bound.lo < MIN_WORKING_AGE:
        return False
    if bound.hi in WOMEN_RETIREMENT_AGES:
        return bool(_WOMEN_BEFORE.search(ctx.before(bound.start, 6)))
    return bound.hi in RETIREMENT_AGES


def age_findings(ctx: Context) -> Iterator[Finding]:
    """Age ceilings (needs justification) and ages below what the law allows (prohibited)."""
    minors: list[tuple[int, int]] = []
    bounds = age_bounds(ctx)
    # 18-60岁左右: the 60岁左右 inside a working-life range is that range's top, not a ceiling of its own.
    lawful = [b for b in bounds if b.lo is not None and b.hi is not None and _working_life(ctx, b)]
    for b in bounds:
        if b.hi is not None and b.hi < MIN_WORKING_AGE:
            continue
        if any(w is not b and w.start <= b.start and b.end <= w.end for w in lawful):
            continue
        if b.hi is not None and b.hi >= ADULT_AGE and not _working_life(ctx, b):
            yield Finding(b.start, b.end, "age", "age_ceiling")
        if b.hi is None and b.lo is not None and ADULT_AGE < b.lo < OLDER_WORKERS_AGE:
            yield Finding(b.start, b.end, "age", "age_floor")
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
# 不限年龄 is inclusive, unless it is 男女不限 running into the next requirement (男女不限年龄22-58之间).
EXEMPT_AGE = re.compile(
    alternation(
        product("年龄", "不限|无要求|不是问题|不做要求|不作要求")
        + product("大龄", "也可|可|亦可|均可")
        + ["欢迎大龄"]
    )
    + r"|不限年[龄纪](?![:]?(?:要求|范围)?[:]?(?:在|为)?\d)"
)

_ABOUT_THE_WORKPLACE = in_clause(
    r"团队|同事|氛围|环境|平台|公司|企业|我们|大家庭|文化|品牌|产品|市场|客户|顾客|用户|消费|群体|客群|有趣|好玩"
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
    rule(
        "generation_preferred",
        "age",
        rf"{_GENERATION}(?:的|人员)?(?:{PREFER}|{REJECT_AFTER})",
        # 同事都是90后为主 describes the team.
        vetoes=[_NOT_A_NUMBER, near_before(r"都是|团队|同事|员工|公司|大多|多为|大部分|主要是", 6)],
    ),
    rule(
        "youth_preferred",
        "age",
        rf"(?:年轻|青年|年纪轻|岁数小)(?:一)?(?:点|些)?(?:的)?(?:人|女性|男性|女孩|女生|男生|小伙子?|妈妈|宝妈)?"
        rf"(?:{PREFER})",
    ),
    rule(
        "older_rejected",
        "age",
        rf"(?=[年岁上太偏])(?:(?:年龄|年纪|岁数)(?:偏大|太大|过大|大)了?|上了?年纪|年老|太老|偏老)(?:的|者|人员)?(?:{_TURNED_AWAY})",
    ),
    # 年轻的就算了 / 太年轻的不要: the young turned away, an age limit like any other
    rule(
        "youth_rejected",
        "age",
        rf"(?:年轻(?:的|人|者|人员|小伙子?|姑娘)?|(?:年龄|年纪|岁数)(?:偏小|太小|过小|小)的?)(?:{_TURNED_AWAY})",
    ),
    rule("not_too_old", "age", r"(?:年龄|年纪|岁数)(?:不要|不能|不宜|不可|别)(?:太|过)?大"),
    rule(
        "elderly_rejected", "age", rf"(?:中老年|中年|老年人|大龄|高龄|超龄)(?:人|者|人员)?(?:{REJECT_AFTER})"
    ),
    rule(
        "born_after",
        "age",
        r"(?:19|20)?[0-9]{2}年(?:[0-9]{1,2}月)?(?:[0-9]{1,2}日)?(?:及|或|以)?(?:以后|之后|后)(?:出生|生(?![产活意效成长]))",
    ),
    rule(
        "youth_only",
        "age",
        r"年轻(?!一代|化|态|用户|客群|群体|消费|市场|人群|的心)|青年(?!突击|志愿|文明|团|节|干部)",
        before=LIMIT,
    ),
    rule(
        "age_limit_unstated",
        "age",
        r"(?:年龄|年纪)(?:上)?有(?:一定的?|严格的?)?(?:限制|要求|上限)|有(?:一定的?|严格的?)?(?:年龄|年纪)(?:限制|要求|上限)"
        r"|对(?:年龄|年纪)有(?:一定的?|严格的?)?(?:要求|限制)",
        vetoes=[
            near_before(r"[没无不非]$", 1),
            near_after(r"[,]?(?:可|但|不过)?[^,;。]{0,4}(?:放宽|商量|商议)", 10),
        ],
    ),
    rule("older_turned_away", "age", r"中老年|大龄|高龄|超龄", before=REJECT_BEFORE),
    # 3、年轻有干劲，肯学习 / 1、年轻，有活力: youth opening a requirement item, like 要求年轻
    # (年轻有为 is the idiom for promise; 年轻的团队 / 氛围年轻 describe the workplace)
    rule(
        "youth_item",
        "age",
        r"年轻(?=有(?!为|趣)|肯|能|敢|好学|上进|积极|阳光|活泼|勤|踏实|朝气|有朝气|有活力|[,、;。]|$)",
        vetoes=[not_at_clause_start, _ABOUT_THE_WORKPLACE],
    ),
)
