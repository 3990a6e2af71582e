"""Rules for pathogen-carrier status and for disability (both prohibited)."""

import re

from services.postings.screening.engine import Rule, rule
from services.postings.screening.lexicon import alternation, family, product
from services.postings.screening.patterns import (
    PERSON,
    REJECT_AFTER,
    earlier_in_clause,
    in_equality_statement,
    near_after,
    near_before,
)

_PATHOGEN = family("pathogens")
_HBV_TESTS = r"(?:乙肝五项|乙肝两对半|两对半|乙肝表面抗原|hbsag|hbv|乙肝|hiv|艾滋病?)"
_NEGATED = (
    r"(?:无|没有|非|不是|不能有|不得有|不得患有|未患有?|不能是|不能患有|不可有|不准有|需无|须无|要求无|无任何"
    r"|不接受|不招收?|不要|不收|谢绝|拒绝|不录用?)"
)
_DISEASE_QUALIFIER = r"(?:任何|各类|各种|一切|患有|急慢性|急性|慢性|重大|严重)?(?:的)?"

# Disease control and care are the job of doctors and nurses (负责传染病防治; 慢性非传染性疾病管理).
_HEALTH_WORK_AFTER = near_after(
    r"的?(?:防|治|控|管理|监测|预防|报告|科|医院|门诊|病区|患者|病人|护理|检测|检验|筛查|诊|疫|知识|宣传)", 4
)
_HEALTH_WORK_BEFORE = earlier_in_clause(r"负责|开展|操作|熟悉|掌握|熟练|协助|做好|慢性|防治|检验科|化验室")

EXEMPT_PATHOGEN = re.compile(
    alternation(
        product("携带|携带者|乙肝|肝炎|hbv|hiv|艾滋|艾滋病", "可|可以|也可|亦可|欢迎|均可|不限|不影响")
    )
)

PATHOGEN_RULES: tuple[Rule, ...] = (
    rule(
        "pathogen_excluded",
        "pathogen_carrier",
        _PATHOGEN,
        before=rf"{_NEGATED}{_DISEASE_QUALIFIER}",
        vetoes=[_HEALTH_WORK_AFTER, near_before(r"慢性", 5), in_equality_statement],
    ),
    rule(
        "pathogen_rejected",
        "pathogen_carrier",
        rf"{_PATHOGEN}(?:阳性)?(?:者|患者|病人|人员|人士|携带者)?(?:{REJECT_AFTER})",
    ),
    rule(
        "pathogen_tested",
        "pathogen_carrier",
        rf"(?:体检|检查|检测|化验|筛查|入职)[^。;\n]{{0,12}}?(?P<t>{_HBV_TESTS})",
        group="t",
        vetoes=[_HEALTH_WORK_BEFORE],
    ),
    rule(
        "pathogen_panel",
        "pathogen_carrier",
        r"乙肝五项|乙肝两对半|两对半|乙肝表面抗原|hbsag",
        vetoes=[_HEALTH_WORK_BEFORE],
    ),
    rule(
        "pathogen_report",
        "pathogen_carrier",
        rf"{_HBV_TESTS}(?:检查|检测|化验|筛查|报告|阴性|抗原)",
        vetoes=[_HEALTH_WORK_BEFORE],
    ),
)

_DISABLED = r"(?:残疾|残障|伤残|残缺|畸形)"
_BODY = r"(?:身体|生理|肢体|体格|外观|外表|形体|四肢|五官)"
_NEGATED_BODY = rf"{_NEGATED}(?:任何)?(?:明显|严重)?(?:的)?(?:{_BODY}(?:上的|的)?)?"

EXEMPT_DISABILITY = re.compile(
    r"残疾人?(?:优先|亦可|也可|可|均可|专岗|岗位)|欢迎残疾|接收残疾|适合残疾|不限残疾|残疾不限|残障人士(?:优先|可|亦可)"
)

DISABILITY_RULES: tuple[Rule, ...] = (
    rule(
        "disability_excluded",
        "disability",
        rf"{_DISABLED}(?:人士?|人员|者)?",
        before=_NEGATED_BODY,
        vetoes=[in_equality_statement],
    ),
    rule(
        "body_defect_excluded",
        "disability",
        rf"{_BODY}(?:上的|的)?(?:{_DISABLED}|缺陷)",
        before=_NEGATED_BODY,
        vetoes=[in_equality_statement],
    ),
    rule(
        "disability_body_flawless",
        "disability",
        rf"{_BODY}(?:上)?(?:无|没有|不能有|不得有)(?:任何)?(?:明显)?(?:{_DISABLED}|缺陷)",
    ),
    rule(
        "disability_able_bodied",
        "disability",
        r"(?:四肢|肢体|身体|五官|体格|手脚|双手|手指|身心)(?:健全|完整|齐全|完好|无残疾)",
    ),
    rule("disability_able_bodied_person", "disability", r"健全人(?![力事])"),
    rule("disability_rejected", "disability", rf"{_DISABLED}{PERSON}(?:人)?(?:{REJECT_AFTER})"),
)
