"""A seeker's name: checked on the way in, keyed for exact search, and masked (王*明) wherever staff see
a list. The full name is stored only encrypted (`service._apply`); these functions never log it."""

import re
import unicodedata

NAME_FIELD = "name"
MAX_NAME_LENGTH = 50

# Invisible characters: the general CleanText removes them; a name refuses them, since a name is an
# identifier staff compare by eye and search for exactly.
_INVISIBLE = re.compile(
    r"[\u00ad\u034f\u180e\u200b-\u200d\u2060-\u2064\ufeff\u3164\uffa0\U000e0000-\U000e007f]"
)
# Between the parts of a transliterated name (买买提·艾力): the usual dots, folded into one.
_DOTS = re.compile(r"[\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff65\u16eb\u0387]")
_ALLOWED_PUNCTUATION = frozenset("·-'. ")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Two-character surnames (复姓) common enough to meet at a counter: masked as one surname.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 澹台 公冶 "
    "太史 申屠 端木 独孤 南宫 西门 万俟 闻人 赫连 呼延 鲜于 单于 百里 东郭 南门 羊舌 微生 公羊 "
    "梁丘 左丘 东门 第五 拓跋 纳兰 完颜 司空 濮阳 淳于 仲孙 巫马 公良 乐正 谷梁 段干".split()
)


def refuse_invisible(value: str) -> str:
    """Run before CleanText (which would silently drop them)."""
    if _INVISIBLE.search(value):
        raise ValueError("invisible characters (zero-width and the like) are not allowed in a name")
    return value


def check_name(value: str) -> str:
    """A name as typed (after CleanText): letters of any script, marks, spaces, ·-'. ; dots unified."""
    value = _DOTS.sub("·", value)
    value = re.sub(r"\s+", " ", value).strip()
    if not any(c.isalpha() for c in value):
        raise ValueError("a name needs at least one letter")
    for char in value:
        if not (char.isalpha() or unicodedata.category(char).startswith("M") or char in _ALLOWED_PUNCTUATION):
            raise ValueError("a name has only letters, spaces and · - ' .")
    return value


def name_key(name: str) -> str:
    """What the lookup hash is taken of: NFKC, case folded, dots unified, spaces dropped — so 王小明,
    王 小明 and ＷＡＮＧ xiaoming / Wang Xiaoming each find their own exact match, never a prefix."""
    text = unicodedata.normalize("NFKC", name)
    text = _DOTS.sub("·", text).casefold()
    return re.sub(r"\s+", "", text)


def _is_han(text: str) -> bool:
    return all(_HAN.fullmatch(c) for c in text)


def mask_name(name: str | None) -> str | None:
    """王小明 → 王*明, 王明 → 王*, 欧阳小明 → 欧阳*明, 欧阳明 → 欧阳*; 买买提·艾力 → 买*力,
    Zhang Wei → Z*i; a single character is all hidden (*)."""
    if not name:
        return None
    letters = name.replace(" ", "")
    if len(letters) <= 1:
        return "*"
    if _is_han(letters):
        surname = letters[:2] if letters[:2] in COMPOUND_SURNAMES and len(letters) > 2 else letters[:1]
        given = letters[len(surname) :]
        return surname + "*" + (given[-1] if len(given) > 1 else "")
    if len(letters) == 2:
        return letters[0] + "*"
    return letters[0] + "*" + letters[-1]
