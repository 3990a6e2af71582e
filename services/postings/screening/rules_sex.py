"""Rules for sex, and for marital or childbirth status (both prohibited)."""

import re

from services.postings.screening.engine import Context, Rule, rule
from services.postings.screening.lexicon import alternation, family, product
from services.postings.screening.patterns import (
    LIMIT,
    PERSON,
    PREFER,
    REJECT_AFTER,
    REJECT_BEFORE,
    STRICT_LIMIT,
    char_before,
    earlier_in_clause,
    ends_clause,
    in_equality_statement,
    near_after,
    near_before,
    not_at_clause_start,
)

# Spellings that slip past word filters (汝孩 / 钕生 for 女孩 / 女生, 菇凉 for 姑娘, 女孩纸 for 女孩子).
_VARIANTS = r"汝孩子?|钕孩子?|钕生|钕性|钕士|女孩纸|男孩纸|妹纸|菇凉|姑凉"
_PERSONS = (
    rf"{_VARIANTS}|男性|男士|男生|男孩子?|男工|男子|男同志|男青年|男同学|男的|男|女性|女士|女生|女孩子?|女工|女子|女同志|女青年"
    r"|女同学|女的|女|小伙子?(?!伴)|帅小伙|姑娘|妹子|美女|靓女|帅哥|靓仔|小姐姐|小哥哥"
)
# 男/女 in a compound (女装, 男科, 女朋友, 女性用品 …) is not a person's sex.
_NOT_COMPOUND = (
    r"(?![男女装鞋包式款科童厕卫寝浴方权篮排足友朋团神星王皇侠声高低裤袜帽衣表频]|宿舍|更衣|用品|性用品|性健康|性护理|性向"
    r"|性市场|性客户|性用户|性消费|性顾客|性疾病|性患者|士用品|士服|士发型|性发型|生宿舍|工宿舍)"
)
SEX = rf"(?:{_PERSONS}){_NOT_COMPOUND}"
# …and 男/女 after one of these (子女, 美女, 妇女, 少女, 长女 …) is part of a word too.
_COMPOUND_BEFORE = char_before("男女子儿妇母少美淑侍仙处孙舞织妓长次独童宅猛直渣暖帅靓侄甥孤修媳闺侠贤烈宫神")
_CORE = (
    rf"(?:{_VARIANTS}|男性|女性|男士|女士|男生|女生|男工|女工|男孩|女孩|男子|女子|男的|女的|男|女"
    r"|小伙子?(?!伴)|姑娘|妹子)"
)
_SPLIT_CORE = r"(?:男性|女性|男士|女士|男生|女生|男工|女工|男孩|女孩|男的|女的|男|女)"
_ALONE_AHEAD = re.compile(r"\d{1,2}(?:-+|至|到)\d{1,2}|\d{1,2}周?岁|\d[.、)]|年龄|年纪")

_BOTH = re.compile(r"男(?:士|性|生|孩|的)?[、/或和及与,]?女|女(?:士|性|生|孩|的)?[、/或和及与,]?男")
EXEMPT_SEX = re.compile(
    alternation(
        product("男女", "不限|均可|皆可|都可|都行|兼招|兼收|不论|老少|平等|同工同酬")
        + product("不限|不论|无论|不分", "男女")
        + product("性别", "不限|无要求|不作要求|不做要求")
        + ["不限性别", "对性别无要求"]
    )
)


def _both_sexes(ctx: Context, match: "re.Match[str]") -> bool:
    """男、女 / 男或女: both sexes are named, so nobody is excluded."""
    window = ctx.text[max(0, match.start() - 3) : match.end() + 3]
    return bool(_BOTH.search(window))


def _not_alone(ctx: Context, match: "re.Match[str]") -> bool:
    """女，25-45岁 / 1.女 2.… / 女 形象好: the sex word stands alone as a requirement; else it is not."""
    end = match.end()
    return not (ends_clause(ctx, end) or _ALONE_AHEAD.match(ctx.text, end))


def _same_sex_pair(ctx: Context, match: "re.Match[str]") -> bool:
    return ("男" in match.group("a")) == ("男" in match.group("b"))


_SPLIT_NOISE = re.compile(
    r"^(?:身高|体重|高|\d{3})|米|cm|厘米|公分|公斤|kg|宿舍|厕|卫生间|更衣|浴|服装|衣服|制服|着装|发型|产假|育儿假"
    r"|休假|假期|鞋|用品|不限|均可|皆可|都可|都行|可以|欢迎|老少|比例|穿|妆|盘发|西装|工装|领带|丝袜"
)


def _not_a_split(ctx: Context, match: "re.Match[str]") -> bool:
    """男生身高170以上，女生155以上 describes two standards, not two jobs; 男女宿舍 is lodging."""
    return bool(_SPLIT_NOISE.search(match.group("x")) or _SPLIT_NOISE.search(match.group("y")))


# 男:1.70米以上，女:1.60米以上 gives each sex a height standard: a looks requirement, not a sex limit.
_HEIGHT_STANDARD = near_after(r"[^,;。]{0,6}?(?:\d\.\d{1,2}米|\d{3}|\d米\d|cm|厘米|公分)", 10)
# 退休人员：女50岁以上，男60岁以上 repeats the statutory retirement ages.
_RETIREMENT = earlier_in_clause(r"退休")
_NUMBER = re.compile(r"[0-9]+")


_MEN_TO_RETIREMENT = re.compile(r"男(?:性|士|工)?[:]?(?:年龄)?[:]?(?:1[68]周?岁?[-至到]+)?(?:60|63)周?岁")
_WOMEN_TO_RETIREMENT = re.compile(r"女(?:性|士|工)?[:]?(?:年龄)?[:]?(?:1[68]周?岁?[-至到]+)?(?:50|55)周?岁")


def _statutory_split(ctx: Context, match: "re.Match[str]") -> bool:
    """男18-60岁，女18-50岁 in one clause: the two sexes' statutory retirement ages, not a split."""
    clause = ctx.clause(match.start())
    return bool(_MEN_TO_RETIREMENT.search(clause) and _WOMEN_TO_RETIREMENT.search(clause))


def _retirement_ages(ctx: Context, match: "re.Match[str]") -> bool:
    """男18-60岁，女18-50岁: each sex's range ends at its statutory retirement age, as the law sets it."""
    ages = {}
    for sex, part in (("a", "x"), ("b", "y")):
        numbers = [int(n) for n in _NUMBER.findall(match.group(part))]
        ages["男" in match.group(sex)] = max(numbers, default=0)
    return ages.get(True) in (60, 63) and ages.get(False) in (50, 55)


# An occupation named by its ending (执业护士, 中医师, 康复治疗师, 收银员, 驾驶员).
_OCCUPATION = (
    r"(?:医师|医生|大夫|护士|护师|药师|[^,;。的]{0,2}师|司机|保姆|月嫂"
    r"|营业员|收银员|服务员|驾驶员|销售员|业务员|技术员|操作员|质检员|文员|店员|导购员|保洁员)"
)
_SERVED_WORDS = re.compile(
    r"用品|产品|服装|客户|顾客|用户|健康|疾病|患者|市场|消费|群体|内衣|鞋|护理|美容|服饰"
)


def _served_gap(ctx: Context, match: "re.Match[str]") -> bool:
    """女性用品销售员优先 / 女性健康管理师: the sex word names what is served or sold, not the worker."""
    return bool(_SERVED_WORDS.search(match.group("gap") or ""))


_WELCOME = earlier_in_clause(r"欢迎|鼓励|照顾|包括|含")
# 客户以女性为主 describes the customers, not the staff.
_SERVED = near_before(r"客户|顾客|用户|消费者|会员|学员|患者|对象|产品|市场|读者|观众|粉丝", 6)
# 女员工享受三八节福利 / 女工居多 describe the staff or their benefits, not who may apply.
_DESCRIBED = near_after(r".{0,4}(?:享受|享有|福利|假|节|礼|补贴|宿舍|更衣|占比|比例|居多|较多|多)", 8)
# 女生要求化淡妆 / 男士需穿西装: a dress or grooming rule for staff of one sex, not a limit on who is hired.
_GROOMING = near_after(
    r"[^,;。!?\n]{0,5}?(?:化妆|淡妆|妆容|着装|穿|工装|制服|西装|领带|长发|短发|头发|发型|盘发|丝袜|高跟|指甲|美甲"
    r"|首饰|耳环|胡须|胡子)",
    12,
)
# 25岁以下年轻女性 / 招35岁左右男性: an age or an adjective in front of the sex wanted.
_QUALIFIER = (
    r"(?:\d{1,2}(?:-|至|到)\d{1,2}周?岁(?:之间|左右)?|\d{1,2}周?岁(?:以下|以内|以上|左右|上下|之间|出头)?"
    # 本地户口女性 / 山东籍男性: the hukou of the sex wanted
    r"|年轻|青年|中年|未婚|已婚|单身|成熟|户口|户籍|户藉|籍)的?"
)
_QUALIFIED_SEX = (
    rf"(?:{_VARIANTS}|男性|女性|男士|女士|男生|女生|男孩子?|女孩子?|男工|女工|男子|女子|姑娘|小伙子?(?!伴))"
    rf"{_NOT_COMPOUND}"
)
_SERVED_GROUP = near_after(
    r"的?(?:产品|服装|用户|客户|顾客|群体|人群|市场|消费|健康|疾病|患者|提供|服务|护理)", 6
)
_SERVED_LEAD = near_before(
    r"(?:^|[,.:;、]|专|主要|帮助|服务|致力于)为|面向|针对|服务于|关爱|照顾|客户|顾客|用户|患者", 14
)
_DUTY_SEX = r"(?:男性|女性|男士|女士|男生|女生|男工|女工|男孩子?|女孩子?|男的|女的|男|女)"
_DUTY = r"(?:负责|做|干|从事|操作|上|看|搞)"
# 招2名女工 / 找个女生 / 需要一名女同事 / 招一个女孩: a count between the limit and the sex
_COUNT = r"(?:[0-9一二两三四五六七八九十几]*(?:名|位|个)|若干名?)?"

# 阿姨 / 大姐 / 大叔 as the post: kin words that name a sex (and an age) (宝妈优先 is the inclusive preference
# the guide lets pass; 王阿姨 is a contact person, 照顾一位阿姨 the person cared for).
_KIN = r"(?:阿姨|大姐|大妈|大婶|大嫂|大叔|大爷|大伯|大哥)(?![大哥姐])"
_CARED_FOR = near_before(r"照顾|照看|陪伴|陪|护理|看护|服务|为|给|帮|协助|接送|尊重|感谢|关爱|慰问", 6)
_RECRUITING_FOR_OTHERS = near_before(r"负责|协助|帮助?|为客户|给客户|为您|帮您|替|代", 10)
_KIN_HIRED = (
    r"(?:(?:招聘?|招收|诚聘|急聘|急招|聘请?|寻找|找)(?:[0-9一二两三四五六七八九十几]+(?:名|位|个)|个|位|名)?"
    r"|(?:需要|想找|想请)(?:[0-9一二两三四五六七八九十几]+(?:名|位|个)|个|位|名)"
    r"|(?:岗位|职位|工种)(?:名称)?[:]?)(?:(?!的)[\u4e00-\u9fa5]{2,4})?"
)
# An adjective and 的 before the sex wanted, after a limit (要求性格开朗的女生; 女生要求化淡妆: dress)
_DESCRIBED_LEAD = (
    r"(?:要求|只要|只招收?|仅招|招聘?|诚聘|急聘|急招|寻找|找|限|希望(?:是|招|找)?|需要|最好是|必须是)"
)
_SERVED_GAP = near_before(
    r"接待|服务|照顾|陪|护理|帮|为|给|面向|针对|指导|教|培训|负责|管理|联系|对接|客户|顾客|会员|用户|来访|来店|到店"
    r"|患者|病人|学员|学生|孩子|宝宝|老人|产品|课程",
    12,
)

SEX_RULES: tuple[Rule, ...] = (
    # 厨房大姐 3名 / 大叔优先: the kin word with a headcount or a preference
    rule(
        "kin_wanted",
        "sex",
        rf"{_KIN}(?:[:]?(?:[0-9一二两三四五六七八九十]+(?:名|位|人|个)|若干|数名|多名|几名)|{PERSON}(?:{PREFER}|{REJECT_AFTER}))",
        vetoes=[_CARED_FOR, _SERVED, earlier_in_clause(r"共|人数|其中|占|比例|现有"), in_equality_statement],
    ),
    # 招保洁阿姨 / 诚聘住家阿姨 / 岗位：保洁阿姨: the kin word as the post hired for
    rule(
        "kin_hired",
        "sex",
        _KIN,
        before=_KIN_HIRED,
        vetoes=[_CARED_FOR, _RECRUITING_FOR_OTHERS, in_equality_statement],
    ),
    rule(
        "sex_described_wanted",
        "sex",
        rf"的{_QUALIFIED_SEX}(?=[,;。、!?\n]|$|优先|为主|为佳|最好)",
        before=rf"{_DESCRIBED_LEAD}[^,;。!?\n的]{{1,10}}",
        vetoes=[_SERVED_GAP, _both_sexes, _GROOMING, in_equality_statement],
    ),
    rule(
        "sex_limited",
        "sex",
        SEX,
        before=rf"(?:{LIMIT}|希望(?:是|为|招|找))[:]?(?:有|是|为)?{_COUNT}",
        vetoes=[_COMPOUND_BEFORE, _both_sexes, _GROOMING, in_equality_statement],
    ),
    rule(
        "sex_header", "sex", rf"性别(?:要求|限制)?[:]?(?:为|是|限|仅限|要求)?[:]?{SEX}", vetoes=[_both_sexes]
    ),
    rule(
        "sex_preferred",
        "sex",
        rf"{SEX}(?:{family('job_titles')}|{PERSON})(?:{PREFER}|{REJECT_AFTER})",
        vetoes=[_COMPOUND_BEFORE, _both_sexes, _SERVED, _GROOMING, in_equality_statement],
    ),
    rule(
        "sex_qualified",
        "sex",
        _QUALIFIED_SEX,
        before=_QUALIFIER,
        vetoes=[
            _COMPOUND_BEFORE,
            _both_sexes,
            _SERVED,
            _SERVED_LEAD,
            _SERVED_GROUP,
            _DESCRIBED,
            _GROOMING,
            in_equality_statement,
        ],
    ),
    rule("sex_rejected", "sex", SEX, before=REJECT_BEFORE, vetoes=[_COMPOUND_BEFORE, _both_sexes]),
    # 有证的女性康复治疗师优先 / 男性持证司机优先: the sex word, a qualifier, then the occupation preferred
    rule(
        "sex_occupation_preferred",
        "sex",
        rf"(?:男性|女性|男士|女士|男|女){_NOT_COMPOUND}(?P<gap>[\u4e00-\u9fa5]{{0,6}}?)"
        rf"(?:{family('job_titles')}|{_OCCUPATION})(?:{PREFER}|{REJECT_AFTER})",
        vetoes=[_COMPOUND_BEFORE, _both_sexes, _SERVED, _served_gap, _GROOMING, in_equality_statement],
    ),
    # 1、女性执业医师，… : the sex and the occupation as a requirement item of their own
    rule(
        "sex_occupation_alone",
        "sex",
        rf"(?:男性|女性|男士|女士){_NOT_COMPOUND}(?P<gap>[\u4e00-\u9fa5]{{0,4}}?)(?:{_OCCUPATION})"
        rf"(?=[,;。、\n]|$)",
        vetoes=[not_at_clause_start, _both_sexes, _served_gap, in_equality_statement],
    ),
    rule(
        "sex_alone",
        "sex",
        _CORE,
        vetoes=[
            not_at_clause_start,
            _not_alone,
            _both_sexes,
            _WELCOME,
            _HEIGHT_STANDARD,
            _RETIREMENT,
            _statutory_split,
            _GROOMING,
            in_equality_statement,
        ],
    ),
    rule(
        "sex_job",
        "sex",
        rf"{_CORE}{family('job_titles')}",
        vetoes=[
            _COMPOUND_BEFORE,
            _both_sexes,
            _WELCOME,
            _SERVED,
            _DESCRIBED,
            _GROOMING,
            in_equality_statement,
        ],
    ),
    rule(
        "sex_limited_far",
        "sex",
        SEX,
        before=rf"{STRICT_LIMIT}[^,;。、!?\n]{{1,6}}?",
        vetoes=[_COMPOUND_BEFORE, _both_sexes, in_equality_statement],
    ),
    rule(
        "sex_headcount",
        "sex",
        rf"{_CORE}{_NOT_COMPOUND}[\u4e00-\u9fa5]{{0,4}}?[:]?[0-9一二两三四五六七八九十若干]+(?:名|位|人|个)",
        vetoes=[_COMPOUND_BEFORE, _both_sexes, earlier_in_clause(r"共|人数|其中|占|比例|现有")],
    ),
    rule(
        "sex_described",
        "sex",
        rf"{_CORE}(?=能|会|有|要|需|须|必须|身体|年龄|年纪|吃苦|细心|勤快|性格|肯干|踏实|即可|为主|就行|都行|可以)",
        vetoes=[not_at_clause_start, _both_sexes, _SERVED, _GROOMING, in_equality_statement],
    ),
    rule(
        "sex_duty_split",
        "sex",
        rf"(?P<a>{_DUTY_SEX})(?:主要)?{_DUTY}[^。;\n]{{1,40}}?(?P<b>{_DUTY_SEX})(?:主要)?{_DUTY}",
        vetoes=[_COMPOUND_BEFORE, _same_sex_pair, in_equality_statement],
    ),
    rule(
        "sex_split",
        "sex",
        rf"(?P<a>{_SPLIT_CORE}){_NOT_COMPOUND}(?![生士性孩工子的同青人])(?P<x>[^,;。\n!?]{{1,20}}?)[,;、]?"
        rf"(?P<b>{_SPLIT_CORE}|小伙子?){_NOT_COMPOUND}(?!人)(?P<y>[^,;。、\n!?]{{1,10}})",
        vetoes=[
            not_at_clause_start,
            _both_sexes,
            _same_sex_pair,
            _not_a_split,
            _RETIREMENT,
            _retirement_ages,
            in_equality_statement,
        ],
    ),
)

_MARITAL_WORDS = (
    "已婚已育|已婚未育|未婚未育|已婚有孩|已婚|未婚|已育|未育|已生育|未生育"
    # 以婚以育 / 以婚已育: 以 typed for 已 (以婚恋, 以婚姻 are other words; 以婚 alone is below)
    "|以婚以育|以婚已育|已婚以育|以婚未育|以婚有孩|以生育"
)
_MARITAL = alternation(_MARITAL_WORDS.split("|"))
_STATUS = alternation(
    f"{_MARITAL_WORDS}|单身|离异|离婚|丧偶|有配偶|无配偶|已成家|未成家|以成家|以婚|以育".split("|")
)
# 离异带孩子的不考虑 / 单身带娃的勿扰: a marital status and a child
_STATUS_KIDS = r"(?:(?:带|有)(?:孩子|小孩|娃))?"
_KIDS = alternation(
    product("有|无|没|没有", "孩子|小孩|子女|宝宝")
    + "生过孩子|生过小孩|生过宝宝|孩子上学|孩子已上学|孩子大|孩子已大|二胎|二孩|三胎|三孩".split("|")
    + "有生育经历|有生育经验|有过生育|生育过|已生育|未生育|顺产|剖腹产".split("|")
)
# 有生育经历、服从调动者、能出差者优先: a status in a list of preferences that ends in 优先.
_IN_A_LIST = r"(?:[、或及和/][^,;。]{0,30}?)?"
_WHO = r"(?:女性|男性|女士|男士|女生|男生|人员|人士|员工|人|宝妈|妈妈|姐姐|大姐|阿姨|大哥|师傅)"
_PREGNANT = r"(?:孕妇|孕期|怀孕|哺乳期|孕产期|备孕|三期)"
_ASK = r"婚否|婚姻状况|婚姻情况|婚育状况|婚育情况|生育状况|生育情况|生育计划|婚育计划"
_NO_PLAN = (
    r"(?:不|无|没有|暂无|暂不)(?:能|得|可|允许|准|许|会)?(?:打算|计划)?"
    r"(?:结婚|生育|生孩子|要孩子|要小孩|怀孕|生二胎|生小孩|生宝宝|备孕)"
)
EXEMPT_MARITAL = re.compile(
    alternation(
        product("婚否|婚姻|婚育|婚姻状况", "不限|无要求|均可")
        + ["不限婚否", "不限婚育", "已婚未婚均可", "已婚未婚不限"]
    )
)
# 已婚员工 / 已婚的员工可享受婚假: a benefit for staff who are married, not a condition of hiring
_BENEFIT_AFTER = near_after(
    r"的?员工|职工|人员可|可享|享|礼|补|假|证|登记|案|诉讼|纠纷|协议|财产|公寓|宿舍", 3
)
_MEDICAL_BEFORE = earlier_in_clause(r"负责|开展|协助|指导|做好|提供|为孕妇|护理|照顾|服务")

# 要求有孩子看护经验: a childcare skill, not the worker's own children.
_CHILDCARE_SKILL = near_after(r"的?(?:看护|照顾|照看|陪伴|教育|辅导|护理|相处|沟通)|经验|经历", 6)

MARITAL_RULES: tuple[Rule, ...] = (
    rule("marital_status", "marital_childbirth", _MARITAL, vetoes=[_BENEFIT_AFTER, in_equality_statement]),
    rule("marital_limited", "marital_childbirth", _STATUS, before=rf"(?:{LIMIT}|{REJECT_BEFORE})(?:是|为)?"),
    rule(
        "marital_preferred",
        "marital_childbirth",
        rf"{_STATUS}{_STATUS_KIDS}(?:的|者)?{_WHO}?(?:{PREFER}|{REJECT_AFTER})",
        vetoes=[in_equality_statement],
    ),
    rule(
        "children_preferred",
        "marital_childbirth",
        rf"{_KIDS}(?:的|者)?{_WHO}?{_IN_A_LIST}(?:{PREFER}|{REJECT_AFTER})",
        vetoes=[in_equality_statement, _CHILDCARE_SKILL],
    ),
    rule(
        "marital_asked",
        "marital_childbirth",
        _ASK,
        vetoes=[
            near_after(r"[:]?(?:不限|无要求|不作要求|不做要求|均可|不问)", 6),
            near_before(r"(?:不问|不询问|不涉及|不调查|不考虑|不论|不管|无论|不限|无关)$", 4),
            in_equality_statement,
        ],
    ),
    # 限没小孩 / 要求无孩子 / 不招有孩子的: children asked for or turned away after a limit
    rule(
        "children_limited",
        "marital_childbirth",
        _KIDS,
        before=rf"(?:{STRICT_LIMIT}|(?<![不无])要求|必须|需|最好是|{REJECT_BEFORE})",
        vetoes=[in_equality_statement, _CHILDCARE_SKILL],
    ),
    rule("childbirth_plans", "marital_childbirth", _NO_PLAN, vetoes=[in_equality_statement]),
    rule(
        "pregnancy_rejected",
        "marital_childbirth",
        rf"{_PREGNANT}(?:计划|打算|需求)?(?:女性|女职工|妇女|者|的|人员|期间|中)?(?:{REJECT_AFTER})",
    ),
    rule("pregnancy_turned_away", "marital_childbirth", _PREGNANT, before=REJECT_BEFORE),
    rule(
        "pregnancy_test",
        "marital_childbirth",
        r"妊娠(?:测试|检测|检查|试验)|验孕|孕检|早孕检查",
        vetoes=[_MEDICAL_BEFORE],
    ),
)
