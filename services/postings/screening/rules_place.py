"""Origin and residence preferences: rules with a place slot filled from the national gazetteer.

A rule is three slots around a place: what stands before it (a limit, a verb of living or returning,
a negation), the place (any division or its short form, a region, or 本地/本市/省内 …) and what comes
after (a person or origin word: 人, 籍, 老乡, 户口, 本地人 …; then a preference or a refusal). The
place is looked up in a set, so the rules stay as fast as the ones without it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from services.postings.screening.engine import Context, Finding
from services.postings.screening.gazetteer import LONGEST, place_names, province_abbreviations
from services.postings.screening.lexicon import alternation, product
from services.postings.screening.patterns import (
    LIMIT,
    PREFER,
    REJECT_AFTER,
    REJECT_BEFORE,
    SEPARATORS,
    STRICT_LIMIT,
    starts_clause,
)
from services.postings.screening.rules_age import after_list_marker

CATEGORY = "hukou_region"
# Words that stand for the employer's own area (本地, 本市, 省内 …): a place for every rule here.
LOCAL = tuple(
    "本地 当地 本市 本省 本县 本区 本镇 本村 本乡 本乡镇 本街道 本社区 本片区 同城"
    " 省内 市内 县内 区内 本地区 本区域 本片".split()
)
# …and for everywhere else (外地的不要 is a limit by origin too).
ELSEWHERE = tuple("外地 外省 外市 外县 外乡 外省市 外县市 外区县 异地 省外 市外".split())
# Who comes from the place: 济南人, 山东籍, 章丘老乡, 潍坊户口, 潍坊本地人 (本地 after a place is in LOCAL).
_ORIGIN = (
    r"(?:人员|人(?![员力事才群流气寿民口大们工际文资性格品生体物像脸心身手数次均造行])|籍贯|籍|"
    + "老乡|户口|户籍|户藉|生源|土著|子弟|居民|市民|村民|人氏|朋友|小伙伴|求职者|应聘者|的人)"
)
_WHO = r"(?:员|士|人员|人士|的|者|朋友|求职者|应聘者|候选人|优秀人才|人才|小伙伴|伙伴|同学)*"
# Who is wanted, after a place and 的 or a verb of living (来自东北的朋友, 想回本地发展的小伙伴).
_WHOM = r"(?:的|者|人员|人|人士|朋友|小伙伴|伙伴|同学|求职者|应聘者|候选人|人才|居民)*"
# A refusal or a preference said after the group.
_OF = re.compile(r"的$")
_BACKGROUND = re.compile(r"(?:人的?|的)?(?:生活|成长|家庭|出身)?$")
# Workers named after 本地 (本地阿姨, 当地师傅).
_WORKER = alternation(
    "阿姨 大姐 姐姐 大叔 大哥 师傅 宝妈 小伙 小伙伴 伙伴 朋友 同学 青年 姑娘 工人 员工 女工 男工"
    " 司机 保姆 保洁 厨师 普工 钟点工 求职者 应聘者 候选人".split()
)
# Students and graduates of a place (芜湖在校大学生, 本地大专生): where they study is where they are.
_STUDENT = alternation(
    [
        *product(
            "|在校|在读|高校|高校在校|高校在读|院校",
            "大学生|大中专学生|大中专生|中专生|大专生|本科生|研究生|学生|应届毕业生|应届生|毕业生",
        ),
        *product("|高校|院校", "在校生|在读生"),
    ]
)
# 辅导本地学生 / 本地学生课程: the students taught or served, not the workers.
_TEACHING = re.compile(r"辅导|家教|授课|教学|招生|学员|课程|培训班|补习|作业|升学|学校|考试")
# The sex after a place (本地女性优先, 昆明的女生优先): the place is asked for (the sex is its own finding).
_SEX_WORD = r"(?:女性|男性|女士|男士|女生|男生|女孩子?|男孩子?|女的|男的|姑娘|小伙子?|女|男)"
# A limit on who is hired (只招, 限, 要求是 …), not a hiring verb: 招聘天津人员 names where the work is.
_MUST = (
    rf"{STRICT_LIMIT}|(?<![不无非])(?:(?:要求|必须|需要?|须|最好|应)(?:是|为)|要求|必须)|{REJECT_BEFORE}"
    r"|倾向于?|偏向于?|偏好|希望(?:是|为|招|找)?"
    # 首选本地人, 尽量找淄博的, 主要招江苏人员, 只面向本市户籍
    r"|首选|(?:最好|尽量|尽可能|主要|想|只|仅|专门)(?:招收?|找|招聘|录用|聘用?)|(?:只|仅)面向"
)
_REFUSAL = (
    rf"(?:请?{REJECT_AFTER}|请勿|请不要|暂不考虑|不予考虑|不考虑|暂不|不建议|别投|别来|就算了|算了|勿|谢谢"
    # 外地求职者谨慎投递 / 非本地人员请三思: a discouragement is a refusal said politely
    r"|谨慎(?:投递|投简历|报名|应聘|考虑)|慎重(?:投递|投简历|报名|应聘|考虑)?|三思"
    r"|(?:投递|投简历|报名|应聘)(?:前|时)?(?:请|需|须|要)?(?:谨慎|慎重|三思))"
)
_VERDICT = rf"(?:{PREFER}|{_REFUSAL})"
# 外地的朋友就不要投了 / 不在本地的那就算了: a refusal after a softening word.
_SOFT_REFUSAL = rf"(?:就|请|也|都|那就|那|暂时|先)?{_REFUSAL}"
_LIST = r"(?:[或及和、/][^,;。]{0,12}?)?"
# Nearby words that say the place is not asked for (不要求本地户口), offered (可解决户口), welcomed
# (接受外地人) or about the work (熟悉本地路况 is no origin).
_NOT_ASKED = re.compile(
    r"(?:不要求|无需|不需要?|不用|不必|无须|不限|不论|不管|不问|不看|非必须|欢迎|接受|也可|均可|解决|办理|落户|协助)"
    r"[^,;。]{0,6}$"
)
# 户口在本地可以办理 / 济南户籍指标: the hukou is offered, not asked for.
_OFFERED_AFTER = re.compile(r"[^,;。]{0,4}?(?:办理|落户|解决|迁入|迁移|补贴|指标)")
_HEADER = re.compile(r"(?:要求|条件|户籍|籍贯)[:]?$")
_EQUALITY = re.compile(r"平等|歧视|一视同仁|不论|无论|不分|差别对待|区别对待")
# 没有性别歧视 says nothing about origin: an equality word covers the place only in the place's own
# comma part, or where the clause names origin (不分地域).
_ORIGIN_TOPIC = re.compile(r"地域|户籍|户口|籍贯|地区|出身|来自|哪里|外地|省份|老乡")
_PART_END = re.compile(r"[,;。!?\n]")
# 河南的勿扰 said of coming to work (能到现场的, 不能来面试的勿扰) is a condition on the work.
_ON_SITE = re.compile(r"现场|到岗|坐班|驻场|办公|上班|面试|线下|到店|到公司")
# 熟悉北京的优先 / 能去上海的 / 可派驻广州的: going to or knowing the place is about the work.
_GOING = re.compile(
    r"(?:熟悉|了解|去|到|往|赴|来|驻|派|调|负责|服务|开拓|覆盖|前往|出差|面向|针对|做过|跑过|主攻|发往|寄往)$"
)
_WORKPLACE = re.compile(r"工作地|地点|城市|办公|base|驻地|坐标|项目|资产|门店|分公司|调配|派驻|外派")
# 定居珠海或长期在珠海发展者优先 / 本地或可驻场者优先: an alternative anyone may meet.
# 上海户口指标 / 协助落户上海户口 / 激励：天津户口: hukou offered in the clause.
_HUKOU_OFFERED = re.compile(
    r"指标|落户|解决|办理|申请|福利|激励|补贴|积分|政策|迁入|转入|入户|人才引进|引进|给予|提供|获得|取得|协助|帮助|享受|奖励"
)
_ON_SITE_OR_WORK = re.compile(
    f"{_ON_SITE.pattern}|{_WORKPLACE.pattern}"
    r"|范围|区域(?!内?的?(?:人|伙伴|小伙伴|朋友|同学|求职者|候选))|接单|派单|上门|配送|出差|客户|市场|宿舍|住宿|食宿|包住|租房"
)
# 最好是湖北的 / 只招本市的: a limit with the place and nothing after it.
_BARE_LIMIT = (
    r"(?:最好|要求|必须|需要?|须|应)(?:是|为)|要求|只要|只招(?:收|聘)?|只收|仅招|仅限于?|只限于?"
    r"|限(?:于)?|只考虑|仅考虑|希望(?:是|招|找)|专招"
    r"|首选|(?:最好|尽量|尽可能|主要|想|只|仅|专门)(?:招收?|找|招聘|录用|聘用?)|(?:只|仅)面向"
    r"|尽量(?:是|为)?|最好能(?:是|为)?"
)
_OPEN_ALTERNATIVE = re.compile(
    r"[或/](?:者)?[^,;。]{0,6}?(?:可|愿|能|接受|长期|驻场|出差|留在|定居|常驻|意向|打算|有意)"
)


@cache
def _names() -> frozenset[str]:
    return place_names() | frozenset(LOCAL) | frozenset(ELSEWHERE)


@cache
def _edges() -> tuple[frozenset[str], frozenset[str]]:
    """The characters a place name can start and end with: one set test before any slicing."""
    names = _names()
    return frozenset(n[0] for n in names), frozenset(n[-1] for n in names)


# 济南及周边人员, 淄博、潍坊等地人员: an area word after the places, and places joined by 、/和/及.
_AREA_SUFFIXES = tuple(
    "及周边城市 及周边地区 及周边县市 及周边 和周边 周边城市 周边县市 周边地区 周边"
    " 附近地区 附近 等地区 等地 一带 地区 区域内 区域 市域内 市域 县域内 县域 市区 城区 境内 辖区".split()
)
_JOINERS = frozenset("、/和及或与")


def _longest_ending_at(text: str, pos: int) -> int | None:
    if pos < 2 or text[pos - 1] not in _edges()[1]:
        return None
    names = _names()
    return next((pos - n for n in range(min(LONGEST, pos), 1, -1) if text[pos - n : pos] in names), None)


def place_before(text: str, end: int) -> int | None:
    """Where the run of places ending at `end` starts (山东潍坊本地 → at 山; 鲁 in 鲁籍), or None."""
    pos = end
    for suffix in _AREA_SUFFIXES:
        if text.startswith(suffix, end - len(suffix)):
            pos = end - len(suffix)
            break
    start = None
    if (
        pos == end
        and text.startswith("籍", end)
        and end > 0
        and text[end - 1] in province_abbreviations()
        and _longest_ending_at(text, end) is None  # 江苏籍 is 江苏, not 苏
    ):
        start = pos = end - 1
    while (found := _longest_ending_at(text, pos)) is not None:
        start = pos = found
        if pos > 1 and text[pos - 1] in _JOINERS and _longest_ending_at(text, pos - 1) is not None:
            pos -= 1
    if start is None and pos != end:  # 本地区: the area word is part of the name
        return _longest_ending_at(text, end)
    return start


def place_after(text: str, begin: int) -> int | None:
    """Where the run of places starting at `begin` ends, or None."""
    names, firsts = _names(), _edges()[0]
    end, pos, limit = None, begin, len(text)
    while pos < limit and text[pos] in firsts:
        found = next(
            (pos + n for n in range(min(LONGEST, limit - pos), 1, -1) if text[pos : pos + n] in names), None
        )
        if found is None:
            break
        end = pos = found
    return end


@dataclass(frozen=True, slots=True)
class PlaceRule:
    """`anchor` is the distinctive part; the place stands right before it (place="before") or after."""

    name: str
    anchor: re.Pattern[str]
    place: str  # "before" or "after"
    lead: re.Pattern[str] | None = None  # must end right before the place (place="before")
    between: re.Pattern[str] | None = None  # may stand between the place and the anchor (place="before")
    tail: re.Pattern[str] | None = None  # must follow the place (place="after")
    clause_veto: re.Pattern[str] | None = None  # words anywhere in the clause that make it no limit
    local_only: bool = False  # only 本地/当地 … fill the place slot
    alone: bool = False  # the span must open a clause or a list item (1、东北人，…), or follow 要求：
    not_lead: re.Pattern[str] | None = None  # must not end right before the span (我人不在长沙: the employer)

    def __call__(self, ctx: Context) -> Iterator[Finding]:
        for m in self.anchor.finditer(ctx.text):
            span = self._before(ctx.text, m) if self.place == "before" else self._after(ctx.text, m)
            if span is not None and not self._vetoed(ctx, *span):
                yield Finding(span[0], span[1], CATEGORY, self.name)

    def _before(self, text: str, m: "re.Match[str]") -> tuple[int, int] | None:
        place_end = m.start()
        if self.between is not None:
            window = text[max(0, place_end - 8) : place_end]
            gap = self.between.search(window)
            place_end -= 0 if gap is None else len(window) - gap.start()
        start = place_before(text, place_end)
        if start is None or (self.local_only and text[start:place_end] not in LOCAL):
            return None
        if self.lead is not None:
            window = text[max(0, start - 12) : start]
            lead = self.lead.search(window)
            if lead is None:
                return None
            start -= len(window) - lead.start()
        return start, m.end()

    def _after(self, text: str, m: "re.Match[str]") -> tuple[int, int] | None:
        place_end = place_after(text, m.end())
        if place_end is None:
            return None
        if self.tail is None:
            return m.start(), place_end
        tail = self.tail.match(text, place_end)
        return None if tail is None else (m.start(), tail.end())

    def _vetoed(self, ctx: Context, start: int, end: int) -> bool:
        clause = ctx.clause(start)
        if _NOT_ASKED.search(ctx.before(start, 10)) or _equality(ctx, start, clause):
            return True
        if _OPEN_ALTERNATIVE.search(ctx.text, start, end) or _OFFERED_AFTER.match(ctx.text, end):
            return True
        if self.alone and not _alone(ctx, start):
            return True
        if self.not_lead is not None and self.not_lead.search(ctx.before(start, 4)):
            return True
        return self.clause_veto is not None and bool(self.clause_veto.search(clause))


def _alone(ctx: Context, start: int) -> bool:
    """start opens a clause or a list item (1、东北人，…), or follows a header (要求：)."""
    return (
        (starts_clause(ctx, start) and ctx.text[start - 1 : start] != "(")  # not 王先生(重庆人)
        or after_list_marker(ctx, start)
        or bool(_HEADER.search(ctx.before(start, 4)))
    )


def _equality(ctx: Context, start: int, clause: str) -> bool:
    """An equal-opportunity statement that covers origin: in the place's comma part, or about origin."""
    if not _EQUALITY.search(clause):
        return False
    if _ORIGIN_TOPIC.search(clause):
        return True
    text = ctx.text
    begin = max((m.end() for m in _PART_END.finditer(text, 0, start)), default=0)
    end = _PART_END.search(text, start)
    return bool(_EQUALITY.search(text, begin, end.start() if end else len(text)))


def _anchor(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _lead(pattern: str) -> re.Pattern[str]:
    return re.compile(f"(?:{pattern})$")


# 优先考虑上海项目经验 / 倾向于本地市场: the place is where the work or experience is.
_PEOPLE = r"(?:人员|求职者|候选人|应聘者|人才|人士|朋友|同学|出身|背景)"
_ABOUT_WORK = (
    r"(?:经验|经历|项目|市场|客户|业务|出差|工作|分公司|门店|区域|范围|周边|高校|院校|大学|学校|企业|公司|资源"
    r"|行业|品牌|渠道|门店|办事处|总部|用户|政策|化|部署|存储|运行|计算|模型|生活|构建|开发|服务)"
)

_RESIDE = r"(?:居住|常驻|常住|定居)"
_RESIDENT = r"(?:的)?(?:人才|人员|者|人士|居民)"
_PERMIT = (
    r"(?:居住证|暂住证|房产证|不动产证|房产|自有住房|住房|有房|房子|买房|买了房|购房|(?:固定|稳定)(?:住所|居所|住处)"
    # 本地有亲属的优先: family ties in the place, like a home there
    r"|亲属|亲戚|家人|家属)"
    rf"(?=[{SEPARATORS}]|$|[者的或和及]|优先)"
)
# 本地有车有房优先 / 天津的房产证: what may stand between the place and the home.
_HOME_GAP = re.compile(r"(?:的|有车[、和]?|有)+$")
_LONG_TERM = re.compile(r"(?:长期|市区|城区)$")

PLACE_RULES: tuple[PlaceRule, ...] = (
    # 山东人优先, 潍坊本地人为主, 章丘籍暂不考虑, 东北老乡优先, 鲁籍勿扰
    PlaceRule(
        "origin_preferred", _anchor(rf"{_ORIGIN}{_WHO}(?:的话|会|就|则|请)?{_LIST}{_VERDICT}"), "before"
    ),
    # 招聘对象：昭通户籍人员, 广东省内户籍, 本地户口男性: a place's hukou named (可解决上海户口, 北京户口指标
    # and 为员工办理深圳户口 are offers, vetoed with every rule here)
    PlaceRule(
        "hukou_of_place",
        _anchor(
            r"(?:户籍|户口|户藉)(?!本|簿|页|复印|原件|所在地址|人口|管理|政策|改革|制度|迁|落|办|登记|业务|窗口|名额|申请|积分|福利)"
        ),
        "before",
        clause_veto=_HUKOU_OFFERED,
    ),
    # 籍贯：山东 / 户籍所在地为黔东南 / 户口要求：本市: a header that names the place
    PlaceRule(
        "origin_header",
        _anchor(
            r"(?:户籍所在地|户口所在地|户籍地|户口地|户籍|户口|籍贯|生源地|生源)(?:要求|限制)?[:]?"
            r"(?:为|是|须为|需为|须在|需在|在|限|仅限|必须是|要求)?"
        ),
        "after",
    ),
    # 河南的勿扰, 外地的暂不考虑: the place and 的, then a refusal
    PlaceRule(
        "origin_refused",
        _anchor(rf"的(?:人|朋友|求职者|应聘者|小伙伴|同学)?{_SOFT_REFUSAL}"),
        "before",
        clause_veto=_ON_SITE,
        not_lead=_GOING,
    ),
    # 湖北的优先, 来自东北的朋友优先, 在厦门的优先 (熟悉北京的优先 / 能去上海的优先 are about the work)
    PlaceRule(
        "origin_of_preferred",
        _anchor(
            rf"(?:的(?:话|人|朋友|求职者|应聘者|小伙伴|伙伴|同学|人员|人才|人士|候选人)?|者){_LIST}{PREFER}"
        ),
        "before",
        clause_veto=_ON_SITE_OR_WORK,
        not_lead=_GOING,
    ),
    # 最好是湖北的, 只招本市的, 必须是土生土长的本地人: a limit, the place and nothing after it
    PlaceRule(
        "origin_limited_bare",
        _anchor(_BARE_LIMIT),
        "after",
        not_lead=re.compile(r"[不无必非]$|[有期年权上下界时局](?=限?$)"),
        tail=re.compile(
            rf"(?:本地|当地|地区|市区|周边)?(?:的|{_ORIGIN})?{_WHOM}"
            rf"(?:(?:或者?|、|和|及)[^,;。]{{0,8}}?)?(?=[{SEPARATORS}]|$)"
        ),
        clause_veto=_ON_SITE_OR_WORK,
    ),
    # 苏州周边城市优先, 济南及周边的优先: a place and its surroundings preferred
    PlaceRule(
        "area_preferred",
        _anchor(rf"周边(?:城市|地区|县市|区县)?的?{_VERDICT}"),
        "before",
        between=re.compile(r"[及和]$"),
    ),
    # 只要山东人, 限潍坊籍, 不招河南人, 要求济南户口
    PlaceRule(
        "origin_limited",
        _anchor(rf"{_ORIGIN}{_WHO}"),
        "before",
        lead=_lead(rf"(?:{_MUST})(?:土生土长的?)?"),
    ),
    # 1、东北人，能吃苦 / 山东籍: the group standing alone as an item of a requirement list
    PlaceRule(
        "origin_alone",
        _anchor(rf"(?:人|籍(?:人员|人士)?)(?=[{SEPARATORS}]|$)"),
        "before",
        alone=True,
    ),
    # 2：运城本地，在运城长期生活: a place and 本地 as an item of a requirement list
    PlaceRule("local_alone", _anchor(rf"本地(?:人)?(?=[{SEPARATORS}]|$)"), "before", alone=True),
    # 招本地阿姨, 本地师傅优先: 本地 (not a named place, which may be where the work is) and a worker
    PlaceRule(
        "local_worker",
        _anchor(rf"{_WORKER}{_WHO}{_LIST}{_VERDICT}"),
        "before",
        between=_OF,
        local_only=True,
    ),
    PlaceRule(
        "local_worker_limited",
        _anchor(_WORKER),
        "before",
        lead=_lead(rf"{LIMIT}|希望(?:是|为|招|找)?(?:一个|一位|一名)?"),
        between=_OF,
        local_only=True,
    ),
    # 本地女性优先 / 昆明的女生优先: a place and the sex wanted
    PlaceRule(
        "origin_sex_preferred",
        _anchor(rf"{_SEX_WORD}{_WHO}{_LIST}{_VERDICT}"),
        "before",
        between=_OF,
    ),
    # 在芜湖上学的大学生优先 / 在本地就读的学生为主: students of a place, said by where they study
    PlaceRule(
        "studying_in_place",
        _anchor(rf"(?:上学|就读|读书|念书|上大学|读大学)的?(?:{_STUDENT})?{_WHO}{_LIST}{_VERDICT}"),
        "before",
        lead=_lead("在"),
        clause_veto=_TEACHING,
    ),
    # 非本地户籍暂不考虑, 非山东籍勿扰, 不是济南人不要, 非本地勿扰
    PlaceRule(
        "outsiders_refused",
        _anchor(r"非|不是|并非|不属于"),
        "after",
        tail=re.compile(
            rf"(?:{_ORIGIN})?(?:的|者|人员|居住|常住|生活|工作|朋友|求职者|的话)*,?{_SOFT_REFUSAL}"
        ),
    ),
    # 不在本市的勿扰, 不住在杭州的不要, 本人不在合肥请勿投, 如果不在南昌就先不要联系: a refusal keyed on
    # not being in the place (不能到杭州面试的勿扰 / 需现场办公 are conditions on the work and pass)
    PlaceRule(
        "absent_refused",
        _anchor(r"不在|不住在?|没在|没有在|不常住在?|未在|(?:没有?|未|不)(?:居住|生活|常住)在"),
        "after",
        tail=re.compile(
            rf"(?:{_ORIGIN}|的|者|人员|朋友|求职者|居住|常住|生活|的话)*,?(?:就|则|请|暂时|暂|先|那|也)*{_REFUSAL}"
        ),
        not_lead=re.compile(r"(?:我|我们|老板|公司|我司|本店|店长|主管|领导)人?(?:目前|现在|暂时)?$"),
    ),
    # 居住在潍坊的优先, 常驻本地者优先, 家住济南市区为佳
    PlaceRule(
        "residence_preferred",
        _anchor(
            r"(?:居住|常驻|常住|定居|家住|住家|住在|户籍|户口)(?<![可能意想愿]..)(?:在|于|地在|地为|地是)?"
        ),
        "after",
        tail=re.compile(rf"(?:市区|市内|城区|区|本地)?(?:的|者|人员|人|居民|地区|周边)*{_LIST}{_VERDICT}"),
    ),
    # 住浦东的优先 (包住 / 吃住 are board offered)
    PlaceRule(
        "lives_preferred",
        _anchor(r"住(?<![包吃入留居家])"),
        "after",
        tail=re.compile(rf"(?:市区|市内|城区|区|本地)?{_WHOM}{_LIST}{_VERDICT}"),
    ),
    # 3、江浙沪优先 / 深圳优先: a place alone with a preference as a requirement item (工作城市：深圳优先
    # and base：北京优先 name the workplace)
    PlaceRule(
        "place_preferred_alone",
        _anchor(rf"{PREFER}(?=[{SEPARATORS}]|$)"),
        "before",
        between=re.compile(r"(?:片区)?的?$"),
        alone=True,
        clause_veto=_ON_SITE_OR_WORK,
    ),
    # 家在郑州的优先, 老家是山东的优先, 人在武汉的优先, 现居上海的朋友优先, 来自东北的优先, 本地出生优先
    PlaceRule(
        "home_preferred",
        _anchor(
            r"(?:老家|家乡|家|人|出生地?|籍贯|户籍地|户口)(?:在|是|为|于)|现居住?(?:在|于)?|目前居住(?:在|于)?"
            r"|来自于?|出生(?:在|于)|出身于?"
        ),
        "after",
        tail=re.compile(
            rf"(?:市区|市内|城区|区|本地|当地|地区)?{_WHOM}{_LIST}{_SOFT_REFUSAL}|"
            rf"(?:市区|市内|城区|区|本地|当地|地区)?{_WHOM}{_LIST}{PREFER}"
        ),
        not_lead=re.compile(r"(?:我|我们|老板|公司|我司|本店|团队|成员|客户|总部|项目)$"),
    ),
    # 1. 家住天津，有交通工具 / 现居住地：杭州 / 现居北京: where one lives as a requirement item
    PlaceRule(
        "home_alone",
        _anchor(r"(?:家住|现居住地|居住地|现居住?|家在|居住在|住在|长期居住(?:在|于)?)[:]?(?:为|是|在)?"),
        "after",
        tail=re.compile(rf"(?:市区|市内|城区|区|本地|当地|地区)?(?=[{SEPARATORS}或及和]|$)"),
        alone=True,
        clause_veto=_OPEN_ALTERNATIVE,
    ),
    # 居住地要求：本市, 现居住地最好是北京, 家庭住址须在本市
    PlaceRule(
        "home_required",
        _anchor(
            r"(?:现居住地|居住地|居住地址|家庭住址|住址|常住地)[^,;。]{0,8}?"
            r"(?:要求|最好|须|需|必须|限|仅限|应)(?:是|为|在|于)?[:]?"
        ),
        "after",
    ),
    # 1、杭州本地居住，… / 要求昆明本地常驻人员: residence in the place as a requirement item
    PlaceRule(
        "residence_alone",
        _anchor(rf"{_RESIDE}{_RESIDENT}?(?=[{SEPARATORS}]|$)"),
        "before",
        alone=True,
        between=_LONG_TERM,
    ),
    PlaceRule("residence_limited", _anchor(rf"{_RESIDE}{_RESIDENT}"), "before", lead=_lead(_MUST)),
    # 限郑州市区居住, 只招本地长期居住的
    PlaceRule(
        "residence_limited_bare",
        _anchor(rf"{_RESIDE}(?:的)?(?=[{SEPARATORS}]|$)"),
        "before",
        lead=_lead(rf"{STRICT_LIMIT}|(?<![不无])(?:要求|必须|需要?|须)在?"),
        between=_LONG_TERM,
    ),
    # 需居住在郑州, 必须住在本市
    PlaceRule(
        "residence_required_after",
        _anchor(r"(?:需要?|须|必须|要求|应|限)(?:长期)?(?:居住|常住|住)(?:在|于)"),
        "after",
        not_lead=re.compile(r"[不无]$"),
    ),
    # 需要已在青岛居住, 必须在本市常住 (需常驻深圳 / 需在深圳工作 are about the work)
    PlaceRule(
        "residence_required",
        _anchor(r"(?<![不无])(?:需要?|须|必须|要求|应)(?:是|已经?|目前|现|长期)?(?:在|于)"),
        "after",
        tail=re.compile(
            r"(?:市区|城区|区|本地|当地)?(?:区域内?|域内?|范围内|境内|内)?(?:长期)?(?:居住|常住)(?!证)"
        ),
    ),
    # 有天津房产证或居住证者优先 / 需持有杭州居住证: a residence permit or a home in the place
    PlaceRule(
        "permit_preferred", _anchor(rf"{_PERMIT}(?:者|的)?{_LIST}{_VERDICT}"), "before", between=_HOME_GAP
    ),
    PlaceRule(
        "permit_required",
        _anchor(_PERMIT),
        "before",
        lead=_lead(rf"(?:{_MUST}|(?:需|须|要|必须)?(?:具备|持有|持|拥有|具有|有)|需|须|必须)在?"),
        between=_HOME_GAP,
    ),
    # 济南本地居住者优先, 在潍坊常住的优先
    PlaceRule(
        "residence_named",
        _anchor(
            rf"(?:(?:居住|常住|常驻|定居|生活)(?:多年|很久|长期|满?[0-9]+年(?:以上)?)?(?:的|者|人员|居民)+"
            rf"|(?:居住|常住|定居|出生|长大)(?:多年|很久|满?[0-9]+年(?:以上)?)?"
            rf"|生活(?:多年|很久|满?[0-9]+年(?:以上)?)){_VERDICT}"
        ),
        "before",
    ),
    # 倾向于省内候选人, 倾向招聘山东籍, 倾向于山东省内酒店管理工作者
    PlaceRule(
        "origin_inclined",
        _anchor(r"倾向于?(?:招聘?|录用|选择|考虑)?|偏向于?|偏好"),
        "after",
        tail=re.compile(rf"(?!的?{_ABOUT_WORK})"),
    ),
    # 优先考虑本地人, 优先录用山东籍
    PlaceRule(
        "origin_first",
        _anchor(r"优先(?:考虑|录用|录取|招聘|招收|招|选择|选用)?"),
        "after",
        tail=re.compile(rf"(?:的)?(?:{_ORIGIN}|{_PEOPLE})|的(?=[{SEPARATORS}]|$)"),
    ),
    # 优先考虑省内 (工作地优先深圳 is where the work is)
    PlaceRule(
        "origin_first_bare",
        _anchor(r"优先(?:考虑|录用|录取|招聘|选用)?"),
        "after",
        tail=re.compile(rf"(?=[{SEPARATORS}]|$)"),
        clause_veto=_WORKPLACE,
    ),
    # 想回本地发展的优先, 回潍坊工作者优先
    PlaceRule(
        "return_home_preferred",
        _anchor(r"回(?:到|来|归)?"),
        "after",
        tail=re.compile(rf"(?:发展|工作|就业|定居|落户|生活){_WHOM}{_LIST}{_VERDICT}"),
    ),
    # 本地背景者优先, 有上海本地背景
    PlaceRule(
        "origin_background_preferred", _anchor(rf"背景{_WHO}{_VERDICT}"), "before", between=_BACKGROUND
    ),
    PlaceRule(
        "origin_background",
        _anchor(r"背景"),
        "before",
        lead=_lead(rf"{LIMIT}|有|具有|具备|拥有"),
        between=_BACKGROUND,
    ),
    # 只招德州本地生活的 / 招在本市居住的人员 / 只招住在常州的: whom is hired, said by where one lives
    PlaceRule(
        "living_wanted",
        _anchor(rf"(?:{_BARE_LIMIT}|招(?:聘|收|募)?|聘用?|找)(?:住在|居住在|生活在|家住|家在|常住在?)"),
        "after",
        tail=re.compile(r"(?:市区|城区|本地|当地|地区)?(?:的|者|人员|人士|朋友|小伙伴|伙伴|居民)+"),
    ),
    PlaceRule(
        "living_wanted_in",
        _anchor(rf"(?:{_BARE_LIMIT}|招(?:聘|收|募)?|聘用?|找)在?"),
        "after",
        not_lead=re.compile(r"[不无必非]$"),
        tail=re.compile(
            r"(?:市区|城区|本地|当地|地区)?(?:长期)?(?:生活|居住|常住|定居)(?:多年)?(?:的|者|人员|人士|朋友|小伙伴|伙伴|居民)+"
        ),
    ),
    # 不要没有居住在本市的 / 暂不考虑未在柳州生活的: those not living in the place refused (twice negated)
    PlaceRule(
        "absent_refused_before",
        _anchor(
            rf"(?:{REJECT_BEFORE}|暂不考虑|不予考虑|勿扰|免谈)[:]?(?:没有?|未|不)(?:居住|生活|常住)?(?:在|住在?)"
        ),
        "after",
        tail=re.compile(
            r"(?:市区|城区|本地|当地|地区)?(?:居住|生活|常住)?(?:的|者|人员|人士|朋友|求职者|小伙伴)+"
        ),
    ),
    # 有营口地区的生活和工作环境 / 有北海的生活经历 / 在昆明生活过一年: life in the place asked for
    # (熟悉合肥的文化 and 有上海工作经验 are about the work; 本地生活 alone is a line of business)
    PlaceRule(
        "life_experience",
        _anchor(
            r"生活(?:和|及|与|、|或)工作(?:的)?(?:经历|经验|环境|背景)|生活(?:过)?的?(?:经历|阅历|背景|环境)"
            r"|生活(?:过|了)(?:[0-9一二两三四五六七八九十]+年|多年|很久)?|生活(?:[0-9一二两三四五六七八九十]+年|多年|很久)"
        ),
        "before",
        lead=_lead(r"(?:须|需|需要|要求|必须|最好)?(?:有|具有|具备|拥有|曾在|在|曾经在)"),
        between=re.compile(r"(?:长期)?的?$"),
        clause_veto=re.compile(r"提供|配备|打造|营造|舒适|良好的?(?:生活|工作)"),
    ),
)


# 芜湖在校大学生优先 / 只招本地在校生 / 1、蚌埠应届毕业生，…: students of a place, preferred, after a
# limit, or standing alone as a requirement item (one scan for the three).
_STUDENTS = re.compile(rf"{_STUDENT}(?:{_WHO}{_LIST}(?P<verdict>{_VERDICT})|(?P<end>(?=[{SEPARATORS}]|$)))?")
_STUDENTS_LEAD = _lead(_MUST)
_STUDENTS_VETOES = PlaceRule("students_wanted", _STUDENTS, "before", clause_veto=_TEACHING)


def students_findings(ctx: Context) -> Iterator[Finding]:
    text = ctx.text
    for m in _STUDENTS.finditer(text):
        verdict, end = m.group("verdict"), m.group("end") is not None
        place_end = m.start() - 1 if text[m.start() - 1 : m.start()] == "的" else m.start()
        start = place_before(text, place_end)
        if start is None:
            continue
        window = ctx.before(start, 12)
        lead = _STUDENTS_LEAD.search(window)
        alone = end and place_end == m.start() and _alone(ctx, start)
        if not (verdict or lead or alone):
            continue
        if lead is not None:
            start -= len(window) - lead.start()
        if not _STUDENTS_VETOES._vetoed(ctx, start, m.end()):
            yield Finding(start, m.end(), CATEGORY, "students_wanted")


def hometown_findings(ctx: Context) -> Iterator[Finding]:
    """老乡优先 / 家乡人优先 / 回家乡发展的优先: a preference for people from one's own place."""
    for m in _HOMETOWN.finditer(ctx.text):
        if not _NOT_ASKED.search(ctx.before(m.start(), 10)):
            yield Finding(m.start(), m.end(), CATEGORY, "hometown_preferred")


_HOMETOWN = re.compile(
    rf"(?=[老同家本土回])(?:老乡|同乡|家乡人|本乡人|本土人|土生土长){_WHO}{_LIST}{_VERDICT}"
    rf"|回(?:到|归)?(?:家乡|老家|故乡|原籍|户籍地)(?:发展|工作|就业|定居){_WHOM}{_LIST}{_VERDICT}"
    # 想回来发展的优先: coming back is coming home (老员工回来工作 has no wish before it)
    rf"|(?<=[想愿意要算望备])回来(?:发展|工作|就业|定居){_WHOM}{_LIST}{_VERDICT}"
)
