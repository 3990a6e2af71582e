"""Rule families with slots (place, person word, preference, negation): invented variants both ways.

Every sentence is made up for the family (none from the dev file, the real postings or any blind set):
places from every part of the country, person words, orders, negations, punctuation, traditional
characters and full-width digits, next to near misses that must stay ok.
"""

import pytest

from services.postings.screening.checker import screen_text
from services.postings.screening.gazetteer import place_names, short_forms

P, N, PASS = "prohibited", "needs_justification", "ok"
Case = tuple[str, str, str | None]

ORIGIN: list[Case] = [
    # place + person or origin word + preference
    ("山东人优先", P, "hukou_region"),
    ("甘肃籍优先考虑", P, "hukou_region"),
    ("延边人为佳", P, "hukou_region"),
    ("黔东南州户籍者优先", P, "hukou_region"),
    ("江浙沪户口优先", P, "hukou_region"),
    ("两广人士优先录用", P, "hukou_region"),
    ("东北老乡优先", P, "hukou_region"),
    ("鲁籍人员优先", P, "hukou_region"),
    ("豫籍勿扰", P, "hukou_region"),
    ("章丘区户口优先", P, "hukou_region"),
    ("历下人最好", P, "hukou_region"),
    ("宁夏回族自治区籍为主", P, "hukou_region"),
    ("四川绵阳人优先", P, "hukou_region"),
    ("喀什地区生源优先", P, "hukou_region"),
    ("潍坊本地人为主", P, "hukou_region"),
    ("湖南人、江西人优先", P, "hukou_region"),
    ("昆山本地人更佳", P, "hukou_region"),
    ("海淀区户籍的优先", P, "hukou_region"),
    ("廣東人優先", P, "hukou_region"),
    # a refusal after the group
    ("河南人勿扰", P, "hukou_region"),
    ("新疆籍暂不考虑", P, "hukou_region"),
    ("东北人不要", P, "hukou_region"),
    ("湛江人免谈", P, "hukou_region"),
    # a limit before the group
    ("只要山东人", P, "hukou_region"),
    ("限潍坊籍", P, "hukou_region"),
    ("仅招本溪户籍", P, "hukou_region"),
    ("不招河南人", P, "hukou_region"),
    ("要求烟台户口", P, "hukou_region"),
    ("只收云南老乡", P, "hukou_region"),
    # negative forms
    ("非本地户籍暂不考虑", P, "hukou_region"),
    ("非山东籍勿扰", P, "hukou_region"),
    ("不是济南人的不要", P, "hukou_region"),
    ("非本市户口者不予录用", P, "hukou_region"),
    ("不在本市的勿扰", P, "hukou_region"),
    ("不住在杭州的不考虑", P, "hukou_region"),
    ("没在本地居住的暂不考虑", P, "hukou_region"),
    # residence
    ("居住在潍坊的优先", P, "hukou_region"),
    ("常驻本地者优先", P, "hukou_region"),
    ("家住济南市区为佳", P, "hukou_region"),
    ("户籍在山东的优先", P, "hukou_region"),
    ("户口在本市者优先", P, "hukou_region"),
    ("济南本地居住者优先", P, "hukou_region"),
    ("在柳州常住的优先", P, "hukou_region"),
    ("定居东莞者优先", P, "hukou_region"),
    # inclination, return home, background, hometown
    ("倾向于省内候选人", P, "hukou_region"),
    ("倾向招聘山东籍", P, "hukou_region"),
    ("优先考虑本地人", P, "hukou_region"),
    ("优先录用贵州籍人员", P, "hukou_region"),
    ("想回本地发展的优先", P, "hukou_region"),
    ("回临沂工作者优先", P, "hukou_region"),
    ("回家乡发展的优先考虑", P, "hukou_region"),
    ("有本地背景者优先", P, "hukou_region"),
    ("具有上海本地背景", P, "hukou_region"),
    ("老乡优先", P, "hukou_region"),
    ("同乡为佳", P, "hukou_region"),
    ("河南的勿扰", P, "hukou_region"),
    ("籍贯：山东", P, "hukou_region"),
    ("2：运城本地，能长期做", P, "hukou_region"),
    ("要求：潍坊本地，有经验", P, "hukou_region"),
    ("户籍所在地为黔东南", P, "hukou_region"),
    ("户口要求：本市", P, "hukou_region"),
    ("外地的暂不考虑", P, "hukou_region"),
    ("住在本地的优先", P, "hukou_region"),
    ("济南及周边人员优先", P, "hukou_region"),
    ("淄博、潍坊、东营等地人员优先", P, "hukou_region"),
    ("希望是本地人", P, "hukou_region"),
    ("1、东北人，能吃苦", P, "hukou_region"),
    ("招本地阿姨做保洁", P, "hukou_region"),
    ("当地师傅优先", P, "hukou_region"),
    ("优先本地", P, "hukou_region"),
    ("外省人员暂不考虑", P, "hukou_region"),
    ("广州本地人比较好", P, "hukou_region"),
    # near misses: inclusive, factual, about the work
    ("熟悉本地路况", PASS, None),
    ("工作地点在本地", PASS, None),
    ("可解决户口", PASS, None),
    ("可协助办理济南户口", PASS, None),
    ("接受外地人", PASS, None),
    ("外地人也可以", PASS, None),
    ("不要求本地户籍", PASS, None),
    ("不在上海勿投，需现场办公", PASS, None),
    ("优先考虑有上海工作经验者", PASS, None),
    ("倾向于本地市场的推广", PASS, None),
    ("工作地优先深圳", PASS, None),
    ("负责人优先审批", PASS, None),
    ("有大厂背景者优先", PASS, None),
    ("有相关资源背景者优先", PASS, None),
    ("公安人员优先", PASS, None),
    ("本公司香港背景，文化开放", PASS, None),
    ("定居珠海或长期在珠海发展者优先", PASS, None),
    ("居住在南沙或者有意在南沙发展的优先", PASS, None),
    ("新人优先通道", PASS, None),
    ("户口在本地可以办理", PASS, None),
    ("部署方式：本地，云端", PASS, None),
    ("济南本地当天入职，没有任何费用", PASS, None),
    ("我是东北人，能吃苦", PASS, None),
    ("请填写户籍所在地址", PASS, None),
    ("住在公司附近优先", PASS, None),
    ("不在上海的不要，需坐班", PASS, None),
    ("工作地：上海，优先本地", PASS, None),
    ("联系人：胡先生（重庆人）", PASS, None),
    ("山东人民出版社", PASS, None),
    ("上海人寿保险", PASS, None),
    ("招聘北京司机", PASS, None),
    ("回复及时者优先", PASS, None),
    ("对各地求职者一视同仁，山东人、外地人都欢迎", PASS, None),
    ("能适应省内出差优先", PASS, None),
    ("客户以本地企业为主", PASS, None),
]

FAMILY_STATUS: list[Case] = [
    ("已成家立业者优先", P, "marital_childbirth"),
    ("成了家的优先", P, "marital_childbirth"),
    ("结婚了的优先考虑", P, "marital_childbirth"),
    ("有家室者为佳", P, "marital_childbirth"),
    ("家庭稳定者优先", P, "marital_childbirth"),
    ("要求家庭稳定", P, "marital_childbirth"),
    ("1、家庭稳定，能长期工作", P, "marital_childbirth"),
    ("婚姻美满者优先", P, "marital_childbirth"),
    ("有稳定的家庭者优先", P, "marital_childbirth"),
    ("家庭和睦的大姐优先", P, "marital_childbirth"),
    ("有小孩的宝妈优先", P, "marital_childbirth"),
    ("有一个孩子以上的优先", P, "marital_childbirth"),
    ("育有2个子女者优先", P, "marital_childbirth"),
    ("孩子已上小学的妈妈优先", P, "marital_childbirth"),
    ("孩子满3周岁的宝妈最好", P, "marital_childbirth"),
    ("二胎已生的优先", P, "marital_childbirth"),
    ("有孩子、能长期做的优先", P, "marital_childbirth"),
    ("已育", P, "marital_childbirth"),
    ("已育優先", P, "marital_childbirth"),
    ("只招已成家的", P, "marital_childbirth"),
    ("有家庭责任感", PASS, None),
    ("有家庭观念，孝顺父母", PASS, None),
    ("家庭稳定幸福是我们的追求", PASS, None),
    ("员工子女优先入读合作幼儿园", PASS, None),
    ("有孩子的家庭优先购买", PASS, None),
    ("家在附近的优先", PASS, None),
    ("宝妈优先，时间灵活", PASS, None),
    ("结婚纪念日礼物", PASS, None),
    ("享受婚假、育儿假", PASS, None),
]

RELIGION: list[Case] = [
    ("信佛的优先", P, "ethnicity_religion"),
    ("信主的弟兄姊妹优先", P, "ethnicity_religion"),
    ("主内弟兄姐妹为佳", P, "ethnicity_religion"),
    ("最好是信耶稣的", P, "ethnicity_religion"),
    ("居士优先", P, "ethnicity_religion"),
    ("要求信佛", P, "ethnicity_religion"),
    ("信仰佛教者优先", P, "ethnicity_religion"),
    ("天主教徒为佳", P, "ethnicity_religion"),
    ("信教人员勿扰", P, "ethnicity_religion"),
    ("只招基督徒", P, "ethnicity_religion"),
    ("自信主动的优先", PASS, None),
    ("佛系心态，工作轻松", PASS, None),
    ("负责佛教文化产品销售", PASS, None),
    ("基督教医院护士", PASS, None),
    ("公司尊重员工宗教信仰", PASS, None),
    ("共产党员优先", PASS, None),
    ("有坚定的理想信念", PASS, None),
]

HEALTH: list[Case] = [
    ("有传染病史者不予录用", P, "pathogen_carrier"),
    ("曾患传染病的勿扰", P, "pathogen_carrier"),
    ("患过肝炎的不要", P, "pathogen_carrier"),
    ("有乙肝病史的不考虑", P, "pathogen_carrier"),
    ("没有得过传染病", P, "pathogen_carrier"),
    ("无结核病史", P, "pathogen_carrier"),
    ("既往无传染病", P, "pathogen_carrier"),
    ("身体健康无缺陷", P, "disability"),
    ("身体健康，无缺陷", P, "disability"),
    ("无身体疾病及缺陷", P, "disability"),
    ("身体无疾病和缺陷", P, "disability"),
    ("外观无明显缺陷", P, "disability"),
    ("肢體無殘缺", P, "disability"),
    ("身体健康，无重大疾病", PASS, None),
    ("负责传染病史的登记", PASS, None),
    ("有传染病史者需提供复查证明", PASS, None),
    ("产品无缺陷，包装完好", PASS, None),
    ("负责传染病患者的护理", PASS, None),
]

AGE_COLLOQUIAL: list[Case] = [
    ("年轻的就算了", N, "age"),
    ("太年轻的不要", N, "age"),
    ("过了四十的不建议投", N, "age"),
    ("超过四十五的勿扰", N, "age"),
    ("过了35岁的就别投了", N, "age"),
    ("年满三十五的不要", N, "age"),
    ("不收三十以下的", N, "age"),
    ("不收28以下的", N, "age"),
    ("四十五往上的不要", N, "age"),
    ("45往上不要", N, "age"),
    ("四十开外的不要", N, "age"),
    ("35+勿扰", N, "age"),
    ("四十以上的不要", N, "age"),
    ("岁数在三十上下", N, "age"),
    ("年纪在三十左右", N, "age"),
    ("三十多岁的优先", N, "age"),
    ("三十出头的优先", N, "age"),
    ("35周岁往下", N, "age"),
    ("年纪三十五以内", N, "age"),
    ("年龄不能超过三十五", N, "age"),
    ("年龄二十五一三十五岁", N, "age"),
    ("年龄２５～３５", N, "age"),
    ("年齡：二十至三十五歲", N, "age"),
    ("工资6000 45岁以下", N, "age"),
    ("月薪5000-800018-45岁", N, "age"),
    ("上了年纪的勿扰", N, "age"),
    ("00后勿扰", N, "age"),
    ("年轻不要紧，有人带", PASS, None),
    ("未满18周岁勿扰", PASS, None),
    ("不满十六周岁的不要", PASS, None),
    ("团队都是20多岁的年轻人", PASS, None),
    ("三十以上的人一起团建", PASS, None),
    ("十一点下班，统一管理", PASS, None),
    ("工资5000-8000，包吃住", PASS, None),
]

WORKING_LIFE: list[Case] = [
    ("年龄18-60岁", PASS, None),
    ("年龄十八至六十周岁", PASS, None),
    ("16-63周岁，男女不限", PASS, None),
    ("年龄：１８～６０周岁", PASS, None),
    ("年龄65周岁以下，退休返聘", PASS, None),
    ("要求：年龄18-60岁左右，有责任心", PASS, None),
    ("16-60周岁，在KTV做服务员", P, "underage"),
    ("男18-60岁，女18-50岁", PASS, None),
    ("男性16-60周岁，女性16-55周岁", PASS, None),
    ("18-50岁，男女不限", N, "age"),
    ("年龄18-58周岁", N, "age"),
    ("年龄20-60岁", N, "age"),
    ("年龄：21-65岁", N, "age"),
    ("55周岁以下", N, "age"),
    ("男18-45岁，女18-40岁", P, "sex"),
]

LOOKS_COLLOQUIAL: list[Case] = [
    ("颜值在线者优先", N, "appearance"),
    ("长得好看的优先", N, "appearance"),
    ("看着顺眼就行", N, "appearance"),
    ("长得不难看", N, "appearance"),
    ("人漂亮点，会聊天", N, "appearance"),
    ("帅气阳光，沟通能力强", N, "appearance"),
    ("有明星气质", N, "appearance"),
    ("长得像当红小花的优先", N, "appearance"),
    ("神似某位男星", N, "appearance"),
    ("明星脸优先", N, "appearance"),
    ("網紅臉", N, "appearance"),
    ("模特身材", N, "appearance"),
    ("高颜值办公环境", PASS, None),
    ("同事都是帅哥美女", PASS, None),
    ("打造网红店", PASS, None),
    ("让顾客变漂亮", PASS, None),
    ("像明星一样的待遇", PASS, None),
    ("产品颜值高", PASS, None),
    ("负责模特身材管理", PASS, None),
    ("这个方案做得漂亮", PASS, None),
    ("漂亮点缀门店", PASS, None),
    ("明星产品推广", PASS, None),
    ("是你学习成长的好平台", PASS, None),
    ("店长的好帮手", PASS, None),
]

FAMILIES: list[tuple[str, list[Case]]] = [
    ("looks said colloquially", LOOKS_COLLOQUIAL),
    ("age said colloquially", AGE_COLLOQUIAL),
    ("age range over the whole working life", WORKING_LIFE),
    ("origin and residence with a place slot", ORIGIN),
    ("family status as a proxy for sex", FAMILY_STATUS),
    ("religion: believers preferred", RELIGION),
    ("health history and defects", HEALTH),
]
CASES = [
    pytest.param(sentence, verdict, category, id=f"{family}: {sentence}")
    for family, cases in FAMILIES
    for sentence, verdict, category in cases
]


@pytest.mark.parametrize(("sentence", "verdict", "category"), CASES)
def test_family_variant(sentence: str, verdict: str, category: str | None) -> None:
    result = screen_text(sentence)
    assert result.verdict == verdict
    if category is not None:
        assert category in result.categories


def test_gazetteer_knows_every_level_and_the_short_forms() -> None:
    names = place_names()
    assert {"山东省", "山东", "济南", "济南市", "章丘区", "章丘", "历下", "延边", "东北", "两广"} <= names
    assert {"大厂", "公安"}.isdisjoint(names)  # county names that are ordinary words in postings
    assert len(names) > 5000


def test_short_forms_drop_the_suffix_and_the_autonomous_part() -> None:
    assert short_forms("围场满族蒙古族自治县") == {"围场满族蒙古族自治县", "围场"}
    assert short_forms("内蒙古自治区") == {"内蒙古自治区", "内蒙古", "内蒙"}
    assert short_forms("忠县") == {"忠县"}
