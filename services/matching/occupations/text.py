"""Normalising posting titles and free text before they are coded."""

import logging
import re
import unicodedata
from functools import cache, lru_cache

import jieba
from opencc import OpenCC

_ANNOUNCE = re.compile(r"(?:招聘|诚聘|急招|直招|急聘|高薪诚招|高薪招聘|诚招|招募|热招|直聘)[:：]?")
_EMPLOYER = re.compile(r"公司|集团|有限|店|厂|酒店|餐厅|中心|医院|学校|物业|科技|\.\.\.")
_REFERENCE = re.compile(r"[(\[]?[a-z]{1,2}\d{3,}[)\]]?")
_BRACKETS = re.compile(r"[(\[【{<《]([^()\[\]【】{}<>《》]*)[)\]】}>》]")
_MONEY = re.compile(
    r"(?:月入|月薪|底薪|保底|年薪|日薪|时薪|薪资|工资|综合|税前|提成)?\s*"
    r"\d+(?:\.\d+)?\s*(?:[-~至到]\s*\d+(?:\.\d+)?)?\s*(?:k|w|千|万|元|块)+(?:/?(?:月|天|日|时|小时))?(?:\+|以上)?"
)
_NUMBER = re.compile(r"\d+")
_PERKS = re.compile(
    "|".join(
        (
            "包吃包住",
            "包吃住",
            "包住宿",
            "提供住宿",
            "包住",
            "包吃",
            "管吃住",
            "五险一金",
            "六险一金",
            "五险",
            "社保",
            "周末双休",
            "双休",
            "单休",
            "大小周",
            "不加班",
            "朝九晚五",
            "早九晚五",
            "员工餐",
            "高提成",
            "高薪",
            "高福利",
            "无责底薪",
            "底薪",
            "保底",
            "日结",
            "周结",
            "可日结",
            "不坐班",
            "无需经验",
            "不限经验",
            "经验不限",
            "学历不限",
            "男女不限",
            "免费培训",
            "带薪培训",
            "就近分配",
            "长期",
        )
    )
)
_SEPARATORS = re.compile(r"[\s/|+,，、;；:：!！?？~～\-—_·•.。…*#&@\"'“”‘’]+")
_GREEN_DIGITAL_MARK = re.compile(r"(?<=[\u4e00-\u9fff])(?:L/S|L|S|P)$")


@cache
def _converter() -> OpenCC:
    return OpenCC("t2s")


@cache
def _jieba_ready() -> bool:
    # jieba logs its dictionary load to stderr at INFO; keep tests and CLI output clean.
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return True


def clean_name(name: str) -> str:
    """A classification name without its green (L) / digital (S) occupation marks."""
    return _GREEN_DIGITAL_MARK.sub("", name.strip())


def fold(text: str) -> str:
    """Width-, case- and script-folded text: NFKC, lower case, traditional to simplified."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _converter().convert(text) if not text.isascii() else text


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The part of a posting title that names the work, with perks, pay and references removed."""
    text = fold(text)
    text = _REFERENCE.sub(" ", text)
    text = _after_employer(text)
    text = _MONEY.sub(" ", text)
    text = _PERKS.sub(" ", text)
    text = _BRACKETS.sub(r" \1 ", text)
    text = _NUMBER.sub(" ", text)
    text = _SEPARATORS.sub(" ", text)
    return " ".join(text.split())


def _after_employer(text: str) -> str:
    """The work named after "某某公司招聘"; a long head with no employer in it names the work itself."""
    parts = _ANNOUNCE.split(text)
    if len(parts) == 1:
        return text
    head, tail = " ".join(parts[:-1]), parts[-1]
    if not head.strip():
        return text
    tail_is_work = len(_SEPARATORS.sub("", _PERKS.sub("", tail))) >= 2
    head_is_employer = _EMPLOYER.search(head) is not None or len(head.strip()) <= 8
    return tail if tail_is_work and head_is_employer else " ".join(parts)


def words(text: str) -> list[str]:
    """jieba words of already normalised text, spaces dropped."""
    _jieba_ready()
    return [w for w in jieba.lcut(text) if w.strip()]
