"""Rules for ethnicity and religion, and for hukou, native place and rural origin (all prohibited)."""

import re

from services.postings.screening.engine import Context, Rule, Veto, rule
from services.postings.screening.gazetteer import place_names
from services.postings.screening.lexicon import alternation, family, product, terms
from services.postings.screening.patterns import (
    LIMIT,
    PERSON,
    PREFER,
    REJECT_AFTER,
    REJECT_BEFORE,
    SEPARATORS,
    STRICT_LIMIT,
    earlier_in_clause,
    in_equality_statement,
    inside_title,
    near_after,
    near_before,
    not_at_clause_start,
    starts_clause,
)

# An ethnic name in a place or a dish (管城回族区, 延边朝鲜族自治州, 朝鲜族冷面) is no requirement.
_NOT_PLACE = (
    r"(?![自区县乡镇村州旗盟街]|风情|文化|特色|餐|菜|饭|服饰|舞|语|歌|医|药|大学|学院|中学|小学|聚居|地区|同胞"
    r"|干部|政策|工作|事务)"
)
# 回民 / 藏民 / 维族 / 蒙族: the everyday names of a group, next to the official ones.
_ETHNIC = rf"{alternation([*terms('ethnic_groups'), '回民', '藏民', '维族', '蒙族'])}{_NOT_PLACE}"
_RELIGION = family("religions")


def _minority_preferred(ctx: Context, match: "re.Match[str]") -> bool:
    """少数民族优先 is the care the law asks for (就业促进法 第二十八条), not an exclusion."""
    text = match.group()
    return text.startswith("少数民族") and re.search(f"(?:{PREFER})$", text) is not None


EXEMPT_ETHNICITY = re.compile(
    alternation(
        ["不限民族", "民族不限", "各民族", "民族团结", "民族无要求", "信仰自由"]
        + product("不分|不论|无论", "民族|信仰")
    )
)

ETHNICITY_RULES: tuple[Rule, ...] = (
    rule(
        "ethnicity_limited",
        "ethnicity_religion",
        _ETHNIC,
        before=rf"(?:{LIMIT}|{REJECT_BEFORE})(?:是|为)?",
        vetoes=[in_equality_statement],
    ),
    rule(
        "ethnicity_preferred",
        "ethnicity_religion",
        rf"{_ETHNIC}(?:人|人员|人士|同胞|员工|的)?(?:{PREFER}|{REJECT_AFTER}|以外)",
        vetoes=[_minority_preferred, in_equality_statement],
    ),
    rule("ethnicity_header", "ethnicity_religion", rf"民族(?:要求)?[:]?(?:为|是|限|仅限)?{_ETHNIC}"),
    rule(
        "ethnicity_header_short",
        "ethnicity_religion",
        rf"民族(?:要求)?[:](?:为|是|限|仅限)?(?:汉|回|满|藏|维|壮|苗|蒙古?)(?=[{SEPARATORS}]|$)",
    ),
    rule(
        "ethnicity_alone",
        "ethnicity_religion",
        rf"{_ETHNIC}(?=[{SEPARATORS}]|$)",
        vetoes=[not_at_clause_start, in_equality_statement],
    ),
    rule(
        "religion_required",
        "ethnicity_religion",
        r"(?:有|具有|需有|要有|需|须)(?:宗教|虔诚的?)?信仰(?!危机)",
        vetoes=[in_equality_statement],
    ),
    rule(
        "religion_refused",
        "ethnicity_religion",
        r"(?:无|没有|不信|不信仰|不得信仰|不能信仰|不能有|不得有)(?:任何)?(?:宗教信仰|宗教|信仰|教(?<=不信教))",
        vetoes=[in_equality_statement],
    ),
    rule(
        "religion_limited",
        "ethnicity_religion",
        _RELIGION,
        before=rf"(?:{LIMIT}|{REJECT_BEFORE})",
        vetoes=[in_equality_statement],
    ),
    rule(
        "religion_preferred",
        "ethnicity_religion",
        rf"{_RELIGION}{PERSON}(?:{PREFER}|{REJECT_AFTER})",
        vetoes=[in_equality_statement],
    ),
    rule(
        "religion_named",
        "ethnicity_religion",
        rf"善男信女|信仰[:]?(?:为|是)?(?:{_RELIGION}|佛|基督|伊斯兰|天主|道)",
        vetoes=[in_equality_statement],
    ),
)

# Provinces, big cities and Shandong's counties (章丘, 梁山 …): where a person may come from.
_PLACE_NAMES = [*terms("regions"), *terms("shandong_places")]
_REGION = rf"{alternation(_PLACE_NAMES)}(?:省|市|地区|区|县)?"
_OUTSIDER_WORDS = [
    *_PLACE_NAMES,
    *"外省市 外县市 外区县 外地 外省 外市 外县 外乡 外来 异地 省外 市外".split(),
]
_OUTSIDERS = rf"{alternation(_OUTSIDER_WORDS)}(?:省|市|地区|区|县)?"
_PLACE = (
    rf"(?:{_REGION}|本地|本市|本省|本县|本区|本镇|本乡|本村|本街道|本社区|当地|外地|外省市?|外市|外县"
    r"|[\u4e00-\u9fa5]{1,3}(?:省|市|县|区|镇|乡|村|街道))"
)
_URBAN_RURAL = r"(?:城镇|农村|非农业?|农业|城市|常住)"
_NOT_DOCUMENT = r"(?!本|簿|页|复印件|原件|所在地址)"
_LOCALS = r"(?:本地|当地|本市|本县|本区|本省|本镇|本村|本乡镇|本街道|本社区|同城|省内|市内|县内)"
# 本地或可驻场者优先 / 本地或愿意长期留在杭州者优先: an alternative anyone may meet, so not a limit by origin.
_OPEN_ALTERNATIVE = re.compile(r"[或/](?:[^,;。]{0,6}?)(?:可|愿意?|能|接受|长期|驻场|出差|留在|定居|常驻)")


def _open_alternative(ctx: Context, match: "re.Match[str]") -> bool:
    return bool(_OPEN_ALTERNATIVE.search(match.group()))


_LOCAL_PEOPLE = r"(?:(?:人|居民|村民|市民|户籍人员|户籍人口|常住人口|户|的)(?:员|士)?)"
# Where one lives, at the scale of a city or more (家住附近 is about the commute and stays lawful).
_HOME = (
    rf"(?:{_REGION}|本地|当地|本市|本省|本县|外地|外省|[\u4e00-\u9fa5]{{1,3}}(?:省|市|县))"
    r"(?:本地|当地|市区|市内)?"
)
_YEARS = r"(?:\d+|[一二两三四五六七八九十]{1,2})年"
# 不要求本地户口 / 无需本地户籍: the hukou is named to say it is not needed.
_NOT_NEEDED = near_before(
    r"(?:不要求|无需|不需要?|不用|不必|无须|不限|不论|不管|不问|不看|非必须)[^,;。]{0,6}$", 12
)

# Hukou given as a benefit (可解决北京户口, 协助落户) is an offer, not a requirement.
_OFFERED = near_before(r"解决|办理|落户|给予|提供|申请|迁|协助|帮助|积分|获得|取得|指标", 8)
# 负责社区户籍管理 is a duty, and 新疆、西藏除外 in a shipping clause is about parcels.
_ADMINISTRATION = near_after(
    r"管理|人口|登记|业务|迁移|迁入|办理|工作|信息|制度|改革|政策|科|室|民警|窗口|指标|名额|办法", 4
)
_SHIPPING = earlier_in_clause(r"包邮|发货|快递|配送|物流|运费|邮费|邮寄|偏远")
# 不在上海勿投 / 近期不考虑来深圳慎投 are about coming to the workplace, not about where one is from.
_COMING = near_before(r"不在|不来|不能来|不愿来|不考虑来|无法来|不方便来", 6)
# A benefit list (激励：…天津户口、人才补贴; 上海户籍及居住证办理) offers hukou, it does not ask for it.
_BENEFIT_LIST = near_before(r"福利|激励|补贴|待遇|奖励|人才政策", 20)
_BENEFIT_AFTER = near_after(r".{0,10}(?:办理|落户|解决|指标|补贴)", 14)
# 不接受异地办公 / 不接受外地调动: the work elsewhere, not the worker's origin.
_WORK_ELSEWHERE = near_after(
    r"(?:的)?(?:办公|工作|远程|调|派|出差|发货|面试|入职|上班|培训|项目|订单|客户|业务)", 4
)
# 社保满5年可落户 / 非本地户籍员工提供宿舍: what the hukou or the years give, not a condition of hiring.
_GRANTS_AFTER = near_after(
    r"[^,;。]{0,4}?(?:后可|即可|可申请|可享|可住|提供|享受?|申请|落户|补贴|报销|住宿|宿舍)", 10
)
_VERDICT_END = re.compile(rf"(?:{PREFER}|{REJECT_AFTER})$")


def _unless_verdict(veto: Veto) -> Veto:
    """外地户口优先（提供宿舍）: with a preference or refusal, what follows is no grant of the hukou."""

    def checked(ctx: Context, match: "re.Match[str]") -> bool:
        return not _VERDICT_END.search(match.group()) and veto(ctx, match)

    return checked


_HUKOU_VETOES = (
    _NOT_NEEDED,
    _OFFERED,
    _ADMINISTRATION,
    _BENEFIT_LIST,
    _unless_verdict(_BENEFIT_AFTER),
    _unless_verdict(_GRANTS_AFTER),
    inside_title,
    in_equality_statement,
)

EXEMPT_HUKOU = re.compile(
    alternation(
        product("户籍|户口|籍贯|地域|地区|生源|城乡", "不限|无要求|均可")
        + product("不限", "户籍|户口|籍贯|地域|地区|生源|城乡")
        + product("外地|外省|外地人|外省人", "也可|亦可|均可|可以|欢迎")
        # 农业户口也可 / 外省市户籍均可: a hukou welcomed
        + product(
            "农业户口|农村户口|农业户籍|农村户籍|外地户口|外地户籍|外省户口|外省户籍|外省市户籍|外省市户口",
            "也可|亦可|均可|可以|欢迎",
        )
        + product("本地外地", "均可|不限|都可")
    )
)

# 深户一档，非深户二档: the social-insurance tier a hukou gives, not a condition of hiring.
_INSURANCE = earlier_in_clause(r"社保|[五六]险|公积金|缴纳|缴费|基数|医保|档")


def _insurance_tier(ctx: Context, match: "re.Match[str]") -> bool:
    return _INSURANCE(ctx, match) or bool(re.match(r"[一二三四1-4]?档", ctx.after(match.end(), 2)))


# 服务范围仅限本市 / 配送仅限同城 / 仅限市内出差 / 优惠仅限本地门店: the area of the work or the offer.
_AREA_WORDS = (
    r"范围|使用|门店|配送|派送|出差|订单|派单|接单|业务|优惠|活动|办公|服务|上门|区域|发货|包邮|项目|客户"
)
_AREA_OF_WORK = earlier_in_clause(_AREA_WORDS)
_AREA_OF_WORK_AFTER = near_after(rf"[^,;。]{{0,3}}(?:{_AREA_WORDS})", 8)


# 本来户口 typed for 本地户口, after a limit (限本来户口).
_SLIP_LIMIT = re.compile(rf"(?:{STRICT_LIMIT}|(?<![不无])要求|必须是?|需要?是?|须是?|{REJECT_BEFORE})$")


def _slip_not_asked(ctx: Context, match: "re.Match[str]") -> bool:
    """本来户口 is 本地户口 only when preferred, refused or required (我本来户口在外地 is a story)."""
    return not (match.group("verdict") or _SLIP_LIMIT.search(ctx.before(match.start(), 6)))


# 家住观音桥一带的优先 / 1、家住庐阳附近: the vicinity of a named place is where one lives, as in
# 居住在苏州的优先; near the workplace (家住附近, 家住公司附近, 住在门店周边, 家住地铁站附近) is about
# the commute and passes.
_NEAR = r"(?:家住|住在|居住在|居住于|家在|现居住?)(?:在|于)?(?P<x>[^\W\d_]{2,8}?)(?:附近|周边|一带)"
# 离滨湖新区近的优先 (离家近的优先 / 离公司近的 are the commute)
_CLOSE_TO = r"离(?P<y>[^\W\d_]{2,8}?)(?:较近|比较近|很近|近)"
_NEAR_WHO = (
    r"(?:的|者|人员|人士|人|居民|朋友|小伙伴|伙伴|求职者|应聘者|宝妈|妈妈|阿姨|大姐|姐姐|大叔|大哥|师傅|同学|学生|员工)*"
    r"(?:[或及和、/][^,;。]{0,12}?)?"
)
_WORKPLACE_NEAR = re.compile(
    r"家|公司|我司|单位|厂|店|工作|上班|项目|工地|园区|学校|校区|医院|地铁|公交|站|小区|基地|仓库|场|超市|商场|酒店"
    r"|门面|门市|办公|写字楼|大厦|车间|餐厅|饭店|总部|网点|营业部|中心|机构|幼儿园|本|我|此|该|这|所在"
    r"|所|院|馆|室|楼|厅"
)
# 离X近 names a place only as a division (the gazetteer) or an area (…区, 镇, 街道): 离诊所近 is the work.
_AREA_NAME = re.compile(r"(?:区|县|镇|乡|街道|村)$")


def _near_the_workplace(ctx: Context, match: "re.Match[str]") -> bool:
    return bool(_WORKPLACE_NEAR.search(match.group("x")))


def _not_a_named_area(ctx: Context, match: "re.Match[str]") -> bool:
    named = match.group("y")
    return not (named in place_names() or _AREA_NAME.search(named)) or bool(_WORKPLACE_NEAR.search(named))


_NEAR_VETOES = (_near_the_workplace, _NOT_NEEDED, in_equality_statement)
_NEAR_LIMIT = re.compile(r"(?<![不无])(?:要求|必须|需要?|须|最好|限|只招|只要|仅限)$")


def _vicinity_not_asked(ctx: Context, match: "re.Match[str]") -> bool:
    """Asked for when preferred or refused, standing alone as a requirement item, or after a limit."""
    if match.group("verdict"):
        return False
    alone = match.group("end") is not None and starts_clause(ctx, match.start())
    return not (alone or _NEAR_LIMIT.search(ctx.before(match.start(), 4)))


HUKOU_RULES: tuple[Rule, ...] = (
    # 家住蜀山附近者优先考虑 / 1、家住庐阳附近 / 要求家住包河附近
    rule(
        "named_vicinity",
        "hukou_region",
        rf"{_NEAR}(?:{_NEAR_WHO}(?P<verdict>{PREFER}|{REJECT_AFTER})|(?P<end>(?:的|者|人员)?(?=[{SEPARATORS}]|$)))?",
        vetoes=[_vicinity_not_asked, *_NEAR_VETOES],
    ),
    # 离滨湖新区近的优先 (a division or an area: 离诊所近 is the work)
    rule(
        "named_closeness",
        "hukou_region",
        rf"{_CLOSE_TO}{_NEAR_WHO}(?:{PREFER}|{REJECT_AFTER})",
        vetoes=[_not_a_named_area, _NOT_NEEDED, in_equality_statement],
    ),
    rule(
        "hukou_limited",
        "hukou_region",
        rf"(?:户籍|户口|户藉|生源){_NOT_DOCUMENT}",
        before=rf"(?:{LIMIT}|具有|具备|拥有|持有|持)(?:有)?(?:{_PLACE}|{_URBAN_RURAL})?",
        vetoes=_HUKOU_VETOES,
    ),
    rule(
        "residence_permit",
        "hukou_region",
        r"居住证",
        before=rf"(?:{LIMIT}|持有|持)(?:有)?(?:{_LOCALS}|{_REGION})",
        vetoes=_HUKOU_VETOES,
    ),
    rule(
        "hukou_named",
        "hukou_region",
        rf"(?:户籍|户口|户藉){_NOT_DOCUMENT}{PERSON}(?:{PREFER}|{REJECT_AFTER})?",
        before=rf"(?:{_PLACE}|{_URBAN_RURAL})",
        vetoes=_HUKOU_VETOES,
    ),
    rule(
        "graduates_named",
        "hukou_region",
        rf"生源{PERSON}(?:{PREFER}|{REJECT_AFTER})",
        before=rf"(?:{_PLACE}|{_URBAN_RURAL})",
        vetoes=_HUKOU_VETOES,
    ),
    rule(
        "native_place_limited",
        "hukou_region",
        r"籍(?![贯])",
        before=rf"(?:{LIMIT})(?:{_REGION}|本地|本省|本市|外地|外省)",
        vetoes=[in_equality_statement],
    ),
    rule(
        "native_place_preferred",
        "hukou_region",
        rf"籍{PERSON}(?:{PREFER}|{REJECT_AFTER})",
        before=rf"(?:{_REGION}|本地|本省|本市|外地|外省)",
        vetoes=[in_equality_statement],
    ),
    rule(
        "hukou_header",
        "hukou_region",
        rf"(?:户籍所在地|户口所在地|户籍地|户口地|户籍|户口|籍贯|生源地)(?:要求)?[:]?(?![不非无没])(?:为|是|须为|需为|须在|需在|在|限|仅限)?"
        rf"(?:{_PLACE}|{_URBAN_RURAL})",
        vetoes=[_BENEFIT_AFTER, _OFFERED, in_equality_statement],
    ),
    rule(
        "locals_only",
        "hukou_region",
        rf"{_LOCALS}(?:(?:及|和|或)?(?:周边|附近)(?:地区|区域|县市)?)?"
        rf"(?:人员?|居民|村民|市民|户籍|户口|户|籍|生源|(?=[{SEPARATORS}]|$))",
        before=rf"(?:{LIMIT})(?:{_REGION})?",
        vetoes=[_AREA_OF_WORK],
    ),
    rule(
        "locals_preferred",
        "hukou_region",
        rf"{_LOCALS}(?:{_LOCAL_PEOPLE}|(?<![内])(?=[或及和、/]|优先|最好|为佳|更佳|尤佳|者|勿|免|不|谢|除))"
        rf"(?:[或及和、/][^,;。]{{0,12}}?)?(?:{PREFER}|{REJECT_AFTER})",
        vetoes=[_NOT_NEEDED, _open_alternative, in_equality_statement],
    ),
    rule(
        "residence_preferred",
        "hukou_region",
        rf"(?:居住|家住|住|常住|生活)(?:在|于)?{_HOME}(?:的|者|人员|人|居民)*(?:{PREFER}|{REJECT_AFTER})"
        rf"|在{_HOME}的?(?:居住者|常住者|居民)(?:{PREFER}|{REJECT_AFTER})",
        vetoes=[in_equality_statement],
    ),
    rule(
        "locals_alone",
        "hukou_region",
        rf"(?:本地|当地|本市|本县|本村)(?:人|户口|户籍)(?=[{SEPARATORS}]|$)",
        vetoes=[not_at_clause_start],
    ),
    rule(
        "region_only",
        "hukou_region",
        r"(?:省内|市内|县内|区内|本地|当地)",
        before=rf"{STRICT_LIMIT}(?:招|招聘)?(?:{_REGION})?",
        vetoes=[_AREA_OF_WORK, _AREA_OF_WORK_AFTER],
    ),
    # 最好本地, 只考虑本地人, 要求是同城的: 本地 and nothing after it, after a wish or a limit
    rule(
        "locals_wished",
        "hukou_region",
        rf"(?:本地|当地|本市|同城)(?:人|的|人员)?(?=[{SEPARATORS}]|$)",
        before=r"(?:最好(?:是|为)?|只考虑|仅考虑|暂只考虑|只要|要求(?:是|为)|必须(?:是|为)|希望(?:是|为))",
        vetoes=[_NOT_NEEDED, in_equality_statement],
    ),
    # 深户优先, 非京户勿扰, 限沪户: a city's hukou by its one-character name
    rule(
        "city_hukou_named",
        "hukou_region",
        rf"(?:京|沪|深|穗|津|渝|杭|蓉|汉|厦|苏|宁)户(?:口|籍)?(?:{PERSON})(?:{PREFER}|{REJECT_AFTER})",
        vetoes=[*_HUKOU_VETOES, near_before(r"落|迁|办|转", 3), _insurance_tier],
    ),
    rule(
        "city_hukou_limited",
        "hukou_region",
        r"(?:京|沪|深|穗|津|渝|杭|蓉|汉|厦|苏|宁)户(?:口|籍)?(?![型主名头外内])",
        before=rf"(?:{LIMIT}|{REJECT_BEFORE}|非|不是|持有|具有|拥有)",
        vetoes=[*_HUKOU_VETOES, near_before(r"落|迁|办|转", 3), _insurance_tier],
    ),
    # 本来户口者优先 / 限本的户籍: 本地 typed as 本来 (the input method's word) or with a homophone of 地
    rule(
        "local_hukou_slip",
        "hukou_region",
        rf"(?:本来|本的|本低|本第|本底)(?:户口|户籍|户藉){_NOT_DOCUMENT}(?:{PERSON}(?P<verdict>{PREFER}|{REJECT_AFTER}))?",
        vetoes=[_slip_not_asked, *_HUKOU_VETOES],
    ),
    rule("residents_only", "hukou_region", r"常住人口|常住居民", before=rf"(?:{LIMIT})(?:{_PLACE})?"),
    rule(
        "outsiders_rejected",
        "hukou_region",
        rf"{_OUTSIDERS}(?:(?:务工)?(?:人|籍|户口|户籍)?(?:员|士|求职者|应聘者|朋友|小伙伴|的)?(?:就|请|都|可以)?"
        rf"(?:{REJECT_AFTER}|别来|别投|不用投|不用来|不必投|不必来|别浪费)"
        rf"|(?:人|籍)(?:员|士)?(?:{PREFER}))",
        vetoes=[_SHIPPING, _COMING, in_equality_statement],
    ),
    # 不建议外地求职者投递 / 不考虑住在外地的: outsiders discouraged before, or turned away by where they live
    rule(
        "outsiders_discouraged",
        "hukou_region",
        rf"(?:不建议|不推荐|奉劝|劝退){_OUTSIDERS}(?:务工)?(?:人|籍|户口|户籍)?"
        r"(?:员|士|求职者|应聘者|朋友|小伙伴|的朋友|的求职者)?(?:投递|投简历|报名|应聘|来|过来|前来)",
        vetoes=[_SHIPPING, in_equality_statement],
    ),
    rule(
        "outsiders_living_turned_away",
        "hukou_region",
        rf"(?:住在|居住在|生活在|家在|家住|常住在?){_OUTSIDERS}(?:居住|生活)?(?:的|者|人员|人士|朋友|求职者|小伙伴)",
        before=rf"(?:{REJECT_BEFORE}|暂不考虑|不予考虑)",
        vetoes=[in_equality_statement],
    ),
    rule(
        "outsiders_turned_away",
        "hukou_region",
        _OUTSIDERS,
        before=REJECT_BEFORE,
        vetoes=[_SHIPPING, in_equality_statement, _WORK_ELSEWHERE],
    ),
    rule(
        "rural_turned_away", "hukou_region", r"(?:农村|农民)(?:户口|户籍|人|工|出身)?", before=REJECT_BEFORE
    ),
    rule("rural_rejected", "hukou_region", rf"(?:农村|农民)(?:户口|户籍|人|工|出身)(?:{REJECT_AFTER})"),
    rule("urban_only", "hukou_region", r"(?:城镇|城市|非农业?)(?:户口|户籍|户|居民|身份)", before=LIMIT),
    rule(
        "local_residence",
        "hukou_region",
        rf"(?:(?:社保|社会保险)(?:满|超过|不少于)?{_YEARS}(?:以上)?"
        rf"|(?:居住|生活|常住)(?:或工作|和工作|及工作|或学习)?(?:经历|证明|年限|史|满?{_YEARS}(?:以上)?"
        rf"|(?:超过|不少于|不低于|达到|已满|满)(?:{_YEARS}|\d+个月|半年)))",
        before=rf"(?:\d+年(?:及)?以上|满\d+年)?的?(?:在)?{_PLACE}(?:连续)?(?:缴纳|缴交|参保|缴)?",
        vetoes=[_GRANTS_AFTER],
    ),
)
