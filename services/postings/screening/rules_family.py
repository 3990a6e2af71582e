"""Family status as a proxy for sex: being married, having children, a "stable family" (prohibited).

《妇女权益保障法》第四十三条 forbids asking about marriage or childbirth and making them a condition of
hiring. Each rule is a status slot (married, has children, stable family) with a limit before it, a
preference or refusal after it (with the person words between), or the status standing alone as an
item of a requirement list.
"""

import re

from services.postings.screening.engine import Context, Rule, rule
from services.postings.screening.lexicon import alternation, product
from services.postings.screening.patterns import (
    LIMIT,
    PREFER,
    REJECT_AFTER,
    REJECT_BEFORE,
    SEPARATORS,
    in_equality_statement,
    near_after,
    near_before,
    not_at_clause_start,
    starts_clause,
)

CATEGORY = "marital_childbirth"
_COUNT = r"(?:[0-9]|一|两|二|三)?(?:个|名)?"
_KIDS = "孩子|小孩|子女|宝宝|儿女|娃|孩|胎"
_KID = f"(?:{_KIDS})"
# Every alternative starts with a plain character (a trie of the words), so the engine skips ahead.
_MARRIED_WORDS = product(
    "|已|已经|有",
    "结婚|结过婚|结婚了|结过婚了|结了婚|结了婚了|成家|成了家|成家了|成家立业|成了家了|有家室|有家庭|有对象|有伴侣|有爱人|有老公|有老婆"
    "|有家有口",
) + ["以成家", "以成家立业", "以成了家", "以结过婚"]
_MARRIED = rf"{alternation(_MARRIED_WORDS)}(?![证照纪礼假登典宴责观])"
_HAVE = "有|育有|生过|已生|生完|家有|带过"
_HAS_KIDS = (
    rf"{alternation(product('|已|已经|家里|家中', _HAVE))}{_COUNT}{_KID}(?:以上)?"
    rf"|{alternation(_KIDS.split('|'))}(?:已经?|都)?"
    r"(?:上学|上幼儿园|读书|上小学|上初中|上高中|大了|长大|已大|满[0-9]+周?岁|不用带)了?"
    r"|(?:二胎|二孩|三胎)(?:已生|生完|已有)|(?:一|二|两|三)胎宝妈|(?:有人|老人)帮?带孩子|孩子有人带"
    # 孩子不用照顾的 / 无需接送孩子的 / 没有家庭负担的: free of childcare, which only a family status says
    r"|(?:孩子|小孩)(?:不用|无需|不需要)(?:照顾|带|管|接送)|(?:无需|不用|不需要)(?:照顾|带|接送)(?:孩子|小孩)"
    r"|(?:无|没有)(?:家庭|孩子|小孩)(?:负担|拖累)"
)
_STABLE = r"(?:家庭|婚姻)(?:状况|关系|生活)?(?:稳定|和睦|美满|幸福|和谐|稳固)|有稳定的家庭(?![责观])"
# The look-ahead names every first character: one class test per position before the alternation is tried.
_STATUS = rf"(?=[已以有结成家育生带孩小子宝儿娃胎二三一两婚老无没不])(?:{_MARRIED}|{_HAS_KIDS}|{_STABLE})"
# Standing alone the status must be said as one (已成家, 家庭稳定): 结婚 alone in a list is a gift occasion.
_MARRIED_ALONE = rf"(?:已经?(?:结过?婚|成家)了?(?:立业)?|{_STABLE})"
_WHO = r"(?:的|者|人员|人士|女性|男性|女士|男士|宝妈|妈妈|姐姐|大姐|阿姨|员工|求职者)*"
# 有孩子、能长期做的优先: a status in a list of wishes that ends in 优先.
_IN_A_LIST = r"(?:[^,;。]{0,8}?|[、或及和/][^,;。]{0,20}?)"
# 员工子女优先入读 / 有孩子的家庭优先购买: a benefit for the family, not a condition for the worker.
_BENEFIT = re.compile(r"入读|入学|入托|就读|上学|享|购买|参加|报名|请假|休假|调休|申请|选择|安排|照顾")

_SKILL = re.compile(r"经验|经历|看护|照看|辅导")


def _skill_inside(ctx: Context, match: "re.Match[str]") -> bool:
    """有孩子看护经验者优先: a childcare skill between the children and the preference."""
    return bool(_SKILL.search(match.group()))


_SKILL_AFTER = near_after(r"的?(?:看护|照顾|照看|陪伴|教育|辅导|护理|相处|沟通)|经验|经历", 6)

# 已成家的踏实人士 / 以成家的男士 / 已婚的朋友: the status as the subject of the recruitment (以 typed for 已)
_WANTED_STATUS = r"(?:已|以)经?(?:成家|结婚|结过婚|婚|育|婚(?:已|以)?育|生育)(?:立业)?了?"
_WANTED_WHO = (
    r"(?:男女士|男女|男士|女士|人士|人员|朋友|伙伴|小伙伴|求职者|应聘者|宝妈|姐妹|兄弟|大姐|阿姨|大哥|你)"
)
# 三、有孩子或者家庭负担较重者: children named in a list item that describes who is wanted
_KIDS_ITEM = r"(?:已经?|家中|家里)?(?:有|育有|已育)(?:[0-9一两二三]个)?(?:孩子|小孩|子女|儿女|宝宝)|已育"

_LIMIT_BEFORE = re.compile(rf"(?:{LIMIT})$")


def _neither_first_nor_limited(ctx: Context, match: "re.Match[str]") -> bool:
    """The wanted status opens a clause (a list item, the posting's first words) or follows a limit."""
    return not (starts_clause(ctx, match.start()) or _LIMIT_BEFORE.search(ctx.before(match.start(), 8)))


FAMILY_RULES: tuple[Rule, ...] = (
    rule(
        "family_status_preferred",
        CATEGORY,
        rf"{_STATUS}{_WHO}{_IN_A_LIST}(?:{PREFER}|{REJECT_AFTER})(?!{_BENEFIT.pattern})",
        vetoes=[in_equality_statement, near_before(r"员工|职工|会员|客户|顾客", 4), _skill_inside],
    ),
    rule(
        "family_status_wanted",
        CATEGORY,
        rf"{_WANTED_STATUS}的(?:[^,;。的]{{0,4}}?){_WANTED_WHO}",
        vetoes=[
            _neither_first_nor_limited,
            in_equality_statement,
            near_before(r"员工|职工|会员|客户|顾客|适合", 4),
            near_after(r"[^,;。]{0,4}?(?:可享|享|福利|补贴|假|礼)", 8),
        ],
    ),
    rule(
        "children_item",
        CATEGORY,
        rf"(?:{_KIDS_ITEM})(?:[^,;。]{{0,16}}?)(?:者|的|人员|人士|宝妈)(?=[{SEPARATORS}]|$)",
        vetoes=[not_at_clause_start, in_equality_statement, _SKILL_AFTER, near_after(_BENEFIT.pattern, 4)],
    ),
    rule(
        "family_status_limited",
        CATEGORY,
        _STATUS,
        before=rf"(?:{LIMIT}|{REJECT_BEFORE})(?:是|为)?",
        # 适合有孩子的宝妈 says who the hours suit (like 宝妈优先); 要求有孩子看护经验 asks for a skill
        vetoes=[in_equality_statement, near_before(r"适合(?:是|为)?$", 4), _SKILL_AFTER],
    ),
    # 1、家庭稳定，能长期工作 / 已成家，有责任心: the status alone as a requirement
    rule(
        "family_status_alone",
        CATEGORY,
        rf"{_MARRIED_ALONE}(?=[{SEPARATORS}]|$)",
        vetoes=[not_at_clause_start, in_equality_statement],
    ),
)
