"""Rules for pathogen-carrier status and for disability (both prohibited)."""

import re

from services.postings.screening.engine import Context, Rule, rule
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
    r"(?:没有?(?:得|患)过|未(?:曾)?患过?|从未(?:得|患)过|既往无|无|没有|非|不是|不能有|不得有|不得患有|未患有?|不能是|不能患有|不可有|不准有|需无|须无|要求无|无任何"
    r"|不接受|不招收?|不要|不收|谢绝|拒绝|不录用?)"
)
_DISEASE_QUALIFIER = (
    r"(?:任何|各类|各种|一切|患有|急慢性|急性|慢性|重大|严重|重|明显)?(?:的)?"  # 重: 重大 cut short
)
# 无精神病及传染病 / 无高血压、心脏病、传染病: the pathogen ends a list that one negation governs.
_LISTED = r"(?:[^,;。无]{1,10}?(?:及|和|或|与|、|/|以及))?"
# 无犯罪记录传染性疾病 / 无不良嗜好传染病: list items typed with no joiner between them.
_RUN_ON = r"(?:[^,;。无]{0,6}?(?:记录|嗜好|案底|劣迹|纹身|文身|病史|疾病|不良))?"

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

_NOT_DONE = re.compile(r"不含|不包括|不包含|不做|不查|不检|不涉及|禁止|不得|无需|不需|免查|取消")


def _test_not_done(ctx: Context, match: "re.Match[str]") -> bool:
    """体检不含乙肝项目: the test is named to say it is not done."""
    return bool(_NOT_DONE.search(ctx.text, match.start(), match.start("t")))


PATHOGEN_RULES: tuple[Rule, ...] = (
    rule(
        "pathogen_excluded",
        "pathogen_carrier",
        _PATHOGEN,
        before=rf"{_NEGATED}(?:{_LISTED}|{_RUN_ON}){_DISEASE_QUALIFIER}",
        vetoes=[_HEALTH_WORK_AFTER, near_before(r"慢性非$", 5), in_equality_statement],
    ),
    # 无传染/遗传性疾病 / 无传染与精神病史 / 没有传染或遗传病: 传染 shares its ending with another condition
    rule(
        "pathogen_shared_ending",
        "pathogen_carrier",
        r"传染(?:性)?(?:\([^()]{1,6}\)|(?:及|和|或|与|、|/|以及)[\u4e00-\u9fa5]{1,6}?)(?:性)?(?:疾病|疾患|病史|病)",
        before=rf"{_NEGATED}{_DISEASE_QUALIFIER}",
        vetoes=[_HEALTH_WORK_AFTER, in_equality_statement],
    ),
    rule(
        "pathogen_rejected",
        "pathogen_carrier",
        rf"{_PATHOGEN}(?:阳性)?(?:者|患者|病人|人员|人士|携带者|的)?(?:{REJECT_AFTER})",
    ),
    # 有传染病史者不予录用 / 曾患肝炎的勿扰 / 患过结核的不要: a history is excluded like the disease
    rule(
        "pathogen_history_rejected",
        "pathogen_carrier",
        rf"{_PATHOGEN}(?:病)?(?:史|病史|既往史)?(?:的|者|患者|人员|人士)*(?:{REJECT_AFTER})",
        before=r"(?:有|曾患有?|患过|得过|曾得过|曾有|既往有|有过)",
        vetoes=[in_equality_statement],
    ),
    rule(
        "pathogen_tested",
        "pathogen_carrier",
        rf"(?:体检|检查|检测|化验|筛查|入职)[^。;\n]{{0,12}}?(?P<t>{_HBV_TESTS})",
        group="t",
        vetoes=[_HEALTH_WORK_BEFORE, _test_not_done],
    ),
    rule(
        "pathogen_panel",
        "pathogen_carrier",
        alternation(["乙肝五项", "乙肝两对半", "两对半", "乙肝表面抗原", "hbsag"]),
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
        rf"{_BODY}(?:上的|的)?(?:{_DISABLED}|缺陷|障碍)",
        before=_NEGATED_BODY,
        vetoes=[in_equality_statement],
    ),
    rule(
        "disability_body_flawless",
        "disability",
        rf"{_BODY}(?:上)?(?:无|没有|不能有|不得有)(?:任何)?(?:明显)?(?:{_DISABLED}|缺陷)",
    ),
    # 身体健康无缺陷 / 无身体疾病及缺陷: the defect at the end of a list about the body
    rule(
        "body_defect_listed",
        "disability",
        rf"{_BODY}(?:健康|健全|良好|状况良好|端正|正常)?[,、]?(?:无|没有)[^,;。]{{0,6}}?(?:缺陷|残疾|残缺|畸形)",
        vetoes=[in_equality_statement],
    ),
    rule(
        "body_defect_listed_after",
        "disability",
        rf"(?:无|没有){_BODY}[^,;。]{{0,6}}?(?:及|和|、|或|与)(?:{_BODY})?(?:缺陷|残疾|残缺|畸形)",
        vetoes=[in_equality_statement],
    ),
    rule(
        "disability_able_bodied",
        "disability",
        r"(?:四肢|肢体|身体|五官|体格|手脚|双手|手指|身心)(?:健全|完整|齐全|完好|无残疾)",
    ),
    rule("disability_able_bodied_person", "disability", r"健全人(?![力事])"),
    rule("disability_rejected", "disability", rf"{_DISABLED}{PERSON}(?:人)?(?:{REJECT_AFTER})"),
)

# A named impairment excluded without a word about the work (无色盲色弱, 无听力障碍, 口吃者勿扰). Colour
# blindness or a stammer is no disability in law, and many jobs need good colour vision or hearing; the
# employer says why (needs justification). Where the text itself names the work that needs it (电线颜色,
# 接听电话), the requirement is taken as job-related.
_COLOUR = r"色盲|色弱|色觉异常|色觉障碍|辨色障碍|辨色力异常"
_HEARING = r"听力障碍|听力缺陷|听力异常|听障|耳聋|聋哑|耳背"
_SPEECH = r"口吃|结巴|语言障碍"
_MIND = (
    r"精神病史|精神病|精神疾病|精神障碍|精神分裂|精神异常|精神失常|抑郁症|心理疾病|癫痫|癫痫病|癫病|羊癫疯"
)
_IMPLANT = r"钢钉|钢板|钢针"
_VISION = r"高度近视|近视|弱视|斜视|夜盲症|夜盲|视力障碍|视力缺陷"
_ONE_IMPAIRMENT = alternation("|".join((_COLOUR, _HEARING, _SPEECH, _MIND, _VISION)).split("|"))
_IMPAIRMENT = rf"{_ONE_IMPAIRMENT}(?:[、/和及或]?{_ONE_IMPAIRMENT})*"
_WORK_NEEDS = (
    (
        re.compile(_COLOUR),
        re.compile(
            r"颜色|色差|色卡|配色|调色|色彩|电线|线色|电工|电气|接线|布线|印刷|印染|染色|化验|检验|质检|驾驶|司机|信号|美工|美术|设计|喷漆|涂装"
        ),
    ),
    (
        re.compile(_HEARING),
        re.compile(r"电话|接听|客服|话务|监听|调度|驾驶|司机|对讲|报警|警报|听诊|声音|音频|录音"),
    ),
    (
        re.compile(_SPEECH),
        re.compile(r"电话|客服|话务|主播|直播|讲解|播音|主持|销售|授课|教师|老师|培训|前台|接待"),
    ),
    (
        re.compile(rf"{_VISION}|裸眼|视力"),
        re.compile(
            r"驾驶|司机|飞行|航空|乘务|安检|消防|警|射击|狙击|船员|列车|铁路|高空|塔吊|吊车|叉车|精密|显微"
        ),
    ),
    (
        re.compile(_MIND),
        re.compile(r"高处|高空|登高|驾驶|司机|保安|安保|押运|幼儿|儿童|托育|电工|特种|危险|枪"),
    ),
)


def _work_needs_it(ctx: Context, match: "re.Match[str]") -> bool:
    """Every impairment named is one the text's own work description needs (颜色 for 色盲 …)."""
    named = match.group()
    needed = [work for condition, work in _WORK_NEEDS if condition.search(named)]
    return bool(needed) and all(work.search(ctx.text) for work in needed)


# 有心脏病的不要 / 高血压患者勿扰: a named chronic condition turned away (身体健康，无重大疾病 is no
# named condition and passes); work that needs it (高空, 驾驶, 搬运重物) is the employer's reason.
_CONDITION = (
    r"心脏病|冠心病|高血压|糖尿病|哮喘|腰椎间盘突出|腰间盘突出|腰椎病|颈椎病|恐高症|恐高|晕血|抑郁症|心理疾病"
)
_CONDITION_WORK = re.compile(r"高空|登高|高处|驾驶|司机|搬运|重物|体力|装卸|井下|潜水|高温|采血|护士|医院")


def _condition_work(ctx: Context, match: "re.Match[str]") -> bool:
    return bool(_CONDITION_WORK.search(ctx.text))


# 无既往病史 / 无任何病史 / 无重大疾病病史: a blanket "no medical history" shuts out anyone once ill or
# impaired, like 无精神病史; where the text names work that needs it (高空, 驾驶 …) it is the reason.
_HISTORY_WORK = re.compile(f"{_CONDITION_WORK.pattern}|{_WORK_NEEDS[-1][1].pattern}")


def _history_work(ctx: Context, match: "re.Match[str]") -> bool:
    return bool(_HISTORY_WORK.search(ctx.text))


_NEGATION = re.compile(r"无|没有|不得有|不能有|不得患有|不能患有|未患有?")


def _not_negated_before(ctx: Context, match: "re.Match[str]") -> bool:
    """The examples (如…) follow no negation in their clause: 如精神病患者 names the served, not a bar."""
    return not _NEGATION.search(ctx.clause_before(match.start()))


IMPAIRMENT_RULES: tuple[Rule, ...] = (
    rule(
        "medical_history_excluded",
        "impairment",
        r"(?:无|没有|没|不能有|不得有)(?:任何)?(?:既往|重大|严重|家族|特殊|慢性|不良)?(?:疾病病史|疾病史|病史|既往史)"
        r"|既往(?:无|没有)(?:任何)?(?:重大|严重)?(?:疾病)?病史|既往史[:]?无",
        vetoes=[_history_work, in_equality_statement],
    ),
    rule(
        "medical_history_rejected",
        "impairment",
        rf"有(?:任何|既往|重大|严重|家族|特殊|慢性)?(?:疾病)?病史(?:者|的|人员|人士)*(?:{REJECT_AFTER})",
        vetoes=[_history_work, in_equality_statement],
    ),
    rule(
        "condition_rejected",
        "impairment",
        rf"(?:{_CONDITION})(?:病史|史)?(?:者|患者|病人|人员|的人|的)?(?:{REJECT_AFTER})",
        vetoes=[_condition_work, in_equality_statement],
    ),
    # 说话不结巴 / 眼睛不近视 / 不色弱: a named impairment excluded with 不 (无口吃 is below)
    rule(
        "impairment_negated",
        "impairment",
        rf"(?:不能|不|别)(?:{_SPEECH}|{_COLOUR}|{_VISION})",
        vetoes=[
            _work_needs_it,
            in_equality_statement,
            near_after(r"[^,;。]{0,3}(?:都|也|均|亦)(?:可|行)|可以|没关系", 6),
        ],
    ),
    rule(
        "impairment_excluded",
        "impairment",
        _IMPAIRMENT,
        # 无传染性疾病或精神疾病 / 无传染与精神病史: the impairment later in a list one negation governs
        before=rf"{_NEGATED}(?:任何)?(?:明显的?)?(?:[^,;。无]{{1,10}}?(?:及|和|或|与|、|/|以及))?",
        vetoes=[_work_needs_it, in_equality_statement],
    ),
    # 无影响工作的疾病（如癫痫、精神病等）: examples of the conditions a negation excludes
    rule(
        "impairment_example_excluded",
        "impairment",
        _IMPAIRMENT,
        before=r"如[^,;。()如]{0,12}?[、,/]?",
        vetoes=[_not_negated_before, _work_needs_it, in_equality_statement],
    ),
    rule(
        "impairment_rejected",
        "impairment",
        rf"{_IMPAIRMENT}(?:病史|史)?(?:[0-9]+度(?:以上)?)?(?:者|患者|人员|的人|的)?(?:{REJECT_AFTER})",
        vetoes=[_work_needs_it, in_equality_statement],
    ),
    # 裸眼视力达到4.8 / 裸眼视力不低于1.0: an uncorrected-vision standard shuts out anyone short-sighted
    rule(
        "uncorrected_vision",
        "impairment",
        r"(?:双眼|单眼)?裸眼视力[^,;。]{0,8}?(?:[345]\.[0-9]|[01]\.[0-9])(?:及|或)?(?:以上)?",
        vetoes=[_work_needs_it, in_equality_statement],
    ),
    rule("implant_excluded", "impairment", rf"(?:无|没有|不能有)(?:{_IMPLANT})"),
    rule(
        "implant_rejected",
        "impairment",
        rf"(?:{_IMPLANT})(?:[、和或]?(?:{_IMPLANT}))*(?:者|的|人员)?(?:{REJECT_AFTER})",
    ),
)
