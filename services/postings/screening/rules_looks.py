"""Height, weight and looks requirements: accepted only with a job-related reason."""

import re

from services.postings.screening.engine import Context, Rule, rule
from services.postings.screening.lexicon import alternation, product
from services.postings.screening.patterns import (
    LIMIT,
    PREFER,
    REJECT_AFTER,
    SEPARATORS,
    char_before,
    near_after,
    near_before,
    not_at_clause_start,
)

# Looks said in everyday words: 看着顺眼, 长得不难看, 漂亮点; compared with a celebrity (长得像…, 神似…,
# 明星脸); or a bare adjective as a list item (帅气阳光).
_COLLOQUIAL = (
    r"(?=[长样模看瞅])(?:(?:长(?<![成增生擅延助]长)[得相]|样子|模样)(?:要|需要?|必须|最好|还)?(?:比较|要|很|较|得)?"
    r"(?:顺眼|舒服|耐看|精神|周正|不难看|不丑|过得去|说得过去|可以|好|美|俊|甜|可爱|标致|清秀|帅)"
    r"|长(?<![成增生擅延助]长)的(?:比较|很)?(?:好看|漂亮|帅|俊|标致|清秀|顺眼|耐看|甜美|不难看|不丑)"
    r"|(?:看着|看上去|瞅着)(?:要|比较|很)?(?:顺眼|舒服|耐看|精神|周正|不难看|不丑|过得去))"
)
_LIKE_A_STAR = (
    r"(?=[长外颜样相气脸神撞酷])(?:(?:长得|长相|外形|外貌|颜值|样貌|相貌|气质|脸)(?:要|最好)?"
    r"(?:像|似|神似|酷似|撞脸|堪比|媲美|不输|接近)"
    r"|神似|撞脸|酷似)"
)
_STAR_LOOKS = r"(?:明星|网红|偶像|爱豆|模特)(?:脸|相|范儿?|气质|颜值|身材|长相|级颜值)"
_PRETTY_ALONE = (
    rf"(?:帅气|漂亮|好看|美丽|靓丽|颜值高|长得好)(?:阳光|大方|有气质|可爱|时尚)?(?=[{SEPARATORS}]|$)"
)
# 好看的优先 / 漂亮点的妹子优先: the adjective and 的 opening a clause, then a preference
_PRETTY_PREFERRED = (
    r"(?:好看|漂亮|帅气|俊俏|靓丽|标致|甜美|帅|美)(?:一?点|一些|些)?的(?:人|女生|男生|妹子|小姐姐|小哥哥|美女|帅哥)?"
    rf"(?:{PREFER})"
)
_PRETTY_ENOUGH = r"(?:漂亮|好看|帅|俊|精神)(?:一)?点(?!子|缀|评|赞|击)"
_NUMBER = r"\d+(?:\.\d+)?(?:cm|m|米|厘米|公分)?\d*(?:cm|厘米|公分)?"
_HEIGHT_LEAD = (
    r"(?:要求|标准)?[:]?(?:在|为|需|须|要|必须|分别是|分别为|达到|不低于|不少于|不矮于|高于|超过|>|≥|>="
    r"|男生?|女生?|男性|女性|男士|女士|[a-z]{1,6})*"
)
_HEIGHT = (
    rf"身高{_HEIGHT_LEAD}{_NUMBER}(?:(?:-+|至|到){_NUMBER})?(?:以上|以下|左右|之间|上下|起|\+|及以上|以内)?"
    r"|身高(?=形象|相貌|外貌|长相|体重|和|、|要求|标准|匀称|适中|达标|出众|优势|较高|高挑|不低|好|条件)"
    r"|个子(?:高|高挑|不能太矮|不矮|要高|较高)|个头(?:高|不矮)"
    # 个子170以上 / 个头1米75左右: a height said with 个子
    r"|(?:个子|个头)(?:要求|要|需|在)?[:]?(?:1米[5-9][0-9]?|1\.[5-9][0-9]?(?:米|m)?|1[5-9][0-9](?:cm|厘米|公分)?)"
    r"(?:以上|以下|左右|\+|及以上)?"
)
_WEIGHT = (
    r"(?:标准体重|体重)(?:要求)?[:]?(?:在|不超过|不低于|控制在|<|≤|低于|小于)?"
    r"(?:\d+(?:\.\d+)?(?:kg|公斤|斤)?(?:以下|以内|以上)?|标准|适中|匀称|正常|=|相称|比例|成比例|相符|相当|不超|以下)"
)
_SHAPE = (
    r"(?:身材|体型|体态|身形)(?:要)?"
    r"(?:匀称|苗条|高挑|好|标准|健美|姣好|适中|偏瘦|纤细|不胖|均匀|佳|较好|良好|出众)"
)
_FAT_REJECTED = rf"(?:偏胖|肥胖|太胖|过胖|矮个|个子矮|过矮|太矮|胖子|矮子)(?:的|者)?(?:{REJECT_AFTER})"
_NOT_FAT = r"(?:不能|不要|不可|勿)(?:太|过于|过)?(?:胖|矮)"
_GOOD = (
    r"(?:端正|姣好|好看|好|佳|出众|甜美|清秀|俊朗|帅气|靓丽|漂亮|美丽|较好|良好|过得去|在线|高|优秀|大方|端庄"
    r"|秀丽|阳光|帅|可人|俊秀|出色|上乘|过关|较佳|中上|能打|不能太低|不能太差|不低|不差)"
)
_FACE = r"五[官宫](?:端正|清秀|精致|立体|标致|周正|端庄|好看)|长得(?:漂亮|帅|好看|端正|可爱|甜美|清秀)"
_LOOKS_GOOD = (
    r"(?:相貌|长相|容貌|外貌|外表|面相|样貌|颜值|模样|外在|面容|品貌|体貌|容颜|面貌|外形|外型|形体|形像"
    rf"|仪表|仪容|仪态)(?:要)?{_GOOD}"
)
_LOOKS_MISC = (
    r"有颜值|颜值担当|不戴眼镜|不能戴眼镜|不可戴眼镜|牙齿(?:整齐|洁白|美观)|bmi(?<![a-z]bmi)(?![a-z])"
    r"|手型(?:好看|修长)|手形(?:好看|修长)"
    # 戴眼镜的不要 / 戴眼镜者勿扰: glasses turned away, like 不戴眼镜
    rf"|戴眼镜(?:的|者|人员|的人)?(?:{REJECT_AFTER})"
)
# A person's height written without 身高 (男1.75米以上, 170cm以上); 2.5米以上高处 is no person.
_BARE_HEIGHT = (
    r"(?:1\.[5-9][0-9]?(?:米|m)|1米[5-9][0-9]?|1[5-9][0-9](?:cm|厘米|公分))(?:以上|以下|左右|\+|及以上)"
)
_SEX_HEIGHT = r"(?:男|女)(?:生|性|士)?[:]?1[5-9][0-9](?:以上|\+|左右|以下)"
_NOT_A_PERSON = near_before(r"高处|高度|货架|宽|长|深|距离|层高|吊|梯|墙|楼|台|架|车|柜|管|门|窗|树|板", 6)
_GOOD_LOOKS = r"(?:端正|清秀|姣好|出众|漂亮|靓丽|帅气|甜美)的?(?:外表|外貌|长相|相貌|五官|容貌)"
_LOOKS_REJECTED = rf"(?:苦相|凶相|面相不好|长得丑|长相一般|其貌不扬)(?:之人|的人|者|的)?(?:{REJECT_AFTER})"
_PRETTY = r"(?:高颜值|美女|帅哥|靓女|靓仔|漂亮|帅气|颜值高)"
_IMAGE_GOOD = (
    r"(?:较好|良好|好|佳|端正|姣好|出众|优秀|大方|端庄|靓丽|阳光|健康|干净|得体|甜美|突出|过关|不错|较佳|上佳"
    r"|和蔼|亲和|俱佳|优良|清新)"
)
_IMAGE = (
    rf"(?:个人形象|外在形象|外部形象|整体形象|外表形象|自身形象|职业形象|形象)(?:和|与|、|及)?(?:气质|品德|人品|素质)?"
    rf"{_IMAGE_GOOD}"
)
_GOOD_IMAGE = (
    r"(?:良好|较好|好|佳|端正|出众|优秀|端庄|优良|得体)的?(?:个人|外在|职业|专业|整体)?"
    r"(?:(?:素养|素质|气质|亲和力)(?:和|与|、|及)?)?(?:个人|职业)?形象(?:和|与|、)?(?:气质)?"
)
# 形象气质、服务意识佳: the pair names a looks requirement wherever it stands in a list of them.
_IMAGE_PAIR = r"形象气质(?!的?(?:培训|提升|塑造|打造|设计|管理))"
# 对形象有一定要求 / 颜值要求高: a looks requirement left unstated.
_LOOKS_WORD = r"(?:身高|形象|外貌|颜值|长相|相貌|外表|身材|外形|五官)"
_UNSTATED = rf"{_LOOKS_WORD}(?:(?:上)?有(?:一定的?|较高的?|严格的?|硬性)?要求|要求(?:高|较高|严格|硬))"
_TEMPERAMENT = (
    r"(?:有气质|气质)(?:佳|好|较好|良好|优雅|出众|优|突出|高雅|端庄|大方|甜美|(?<=有气质)(?![的地]))"
)
_NO_MARKS = (
    r"(?:无|没有|没|不得有|不能有|不可有|不许有|不接受|不能|不要)[^,;。\n无没]{0,8}?"
    r"(?:纹身|刺青|文身|伤疤|疤痕|烟疤)"
)
_MARKS_REJECTED = rf"(?:纹身|刺青|文身)(?:者|的)?(?:{REJECT_AFTER})"
_SKIN = r"皮肤(?:状态)?(?:较好|好|白|白皙|光滑|无痘|细腻|良好|佳)"

# Who measures, keeps or helps with the looks (测量身高, 保持良好形象, 帮助客户塑形) is describing the work.
_DUTY = near_before(
    r"测量|测|检查|记录|登记|保持|维护|树立|展现|注意|塑造|维持|提升|展示|代表|帮助|改善|客户|顾客|会员|护理|保养|培养|管理",
    4,
)
_OWNER = near_before(r"公司|品牌|企业|产品|医学|文化|店面|门店|城市|团队|艺术", 3)
# 无固定身高体重要求 / 不限身高: no requirement at all.
_NO_REQUIREMENT_BEFORE = re.compile(r"(?:无|不限|没有|不作|不做|无固定|无特别|无特殊)$")
_DIGIT = re.compile(r"\d")


def _no_requirement(ctx: Context, match: "re.Match[str]") -> bool:
    """无身高要求 / 不限身高; but 学历不限身高170以上 runs one header into the next and does set a height."""
    return bool(_NO_REQUIREMENT_BEFORE.search(ctx.before(match.start(), 4))) and not _DIGIT.search(
        match.group()
    )


_SETTING = near_after(r"团队|同事|办公|环境|写字楼|小姐姐们|公司|管理", 4)
# 起到良好的形象展示作用 is about the company's image.
# 自身高标准 (high standards for oneself) and 做身高体重测量 (measuring children) are no height requirement.
_SELF = char_before("自")
_MEASURED = near_after(r"(?:和|、)?(?:体重)?(?:的)?(?:测量|检测|测定|监测|记录|评估|发育)", 6)
_SHOWCASE = near_after(r"展示|代表|宣传|大使|窗口|建设|工程|设计|墙|店|表率|标杆|榜样", 3)

EXEMPT_LOOKS = re.compile(
    alternation(
        product("身高|形象|外貌|颜值|长相|身高体重|外表", "不限|无要求|不作要求|不做要求")
        + product("不限", "形象|颜值|外貌")
        + product("不看", "颜值|长相|外表|脸")
        + ["对身高无要求", "无身高要求", "身高体重无要求", "无固定身高体重要求"]
    )
    + r"|不限身高(?![:]?(?:要求)?[:]?(?:在|为)?\d)"
)

LOOKS_RULES: tuple[Rule, ...] = (
    rule("height", "appearance", _HEIGHT, vetoes=[_DUTY, _no_requirement, _SELF, _MEASURED]),
    rule("weight", "appearance", _WEIGHT, vetoes=[_DUTY, _SETTING]),
    rule("body_shape", "appearance", _SHAPE, vetoes=[_DUTY]),
    rule("fat_rejected", "appearance", _FAT_REJECTED),
    rule("not_fat", "appearance", _NOT_FAT),
    rule("face", "appearance", _FACE, vetoes=[_DUTY]),
    rule("looks_good", "appearance", _LOOKS_GOOD, vetoes=[_DUTY, _OWNER, _SETTING]),
    rule("good_looks", "appearance", _GOOD_LOOKS, vetoes=[_DUTY]),
    rule("looks_misc", "appearance", _LOOKS_MISC, vetoes=[_DUTY, _SETTING]),
    rule("pretty_preferred", "appearance", _PRETTY_PREFERRED, vetoes=[not_at_clause_start]),
    rule("bare_height", "appearance", _BARE_HEIGHT, vetoes=[_DUTY, _NOT_A_PERSON]),
    rule("sex_height", "appearance", _SEX_HEIGHT),
    rule("looks_rejected", "appearance", _LOOKS_REJECTED),
    rule("looks_limited", "appearance", _PRETTY, before=LIMIT, vetoes=[_SETTING]),
    rule(
        "looks_preferred",
        "appearance",
        rf"{_PRETTY}(?:者|的)?(?:女孩|女生|男生|小伙|妹子|姑娘|人)?(?:{PREFER})",
        vetoes=[_SETTING],
    ),
    rule("image", "appearance", _IMAGE, vetoes=[_DUTY, _OWNER, _SHOWCASE]),
    rule("image_pair", "appearance", _IMAGE_PAIR, vetoes=[_DUTY, _OWNER, _SHOWCASE]),
    # 形象岗 / 形象保安: a post filled by height and looks (the requirement is implied by the name).
    rule("image_post", "appearance", r"形象(?:岗|保安|安保|哨|门岗)"),
    rule("looks_unstated", "appearance", _UNSTATED, before="对?", vetoes=[near_before(r"[没无不非]$", 1)]),
    rule("good_image", "appearance", _GOOD_IMAGE, vetoes=[_DUTY, _OWNER, _SHOWCASE]),
    rule("temperament", "appearance", _TEMPERAMENT, vetoes=[_DUTY, _OWNER]),
    rule("no_marks", "appearance", _NO_MARKS, vetoes=[_DUTY]),
    rule("marks_rejected", "appearance", _MARKS_REJECTED),
    rule("skin", "appearance", _SKIN, vetoes=[_DUTY]),
    rule("looks_colloquial", "appearance", _COLLOQUIAL, vetoes=[_DUTY, _SETTING]),
    rule("looks_like_a_star", "appearance", _LIKE_A_STAR, vetoes=[_DUTY, _OWNER]),
    rule("star_looks", "appearance", _STAR_LOOKS, vetoes=[_DUTY, _OWNER, _SETTING]),
    rule("pretty_alone", "appearance", _PRETTY_ALONE, vetoes=[not_at_clause_start, _SETTING]),
    rule("pretty_enough", "appearance", _PRETTY_ENOUGH, vetoes=[_DUTY, _SETTING]),
)
