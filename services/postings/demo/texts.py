"""The words of demo postings: titles from occupation names and aliases, descriptions from the
classification's definitions and tasks plus templates. No text here limits who may apply."""

import random
import re
from dataclasses import dataclass
from functools import cache

from services.postings.demo.data import ACCOMMODATION_LINES, INCLUSIVE_LINES, TITLE_EXTRAS, Trade
from services.reference.certificates import certificate
from services.reference.occupations import Occupation, get_occupation

_NOT_A_TITLE = re.compile(
    r"经理|主管|总监|店长|站长|厨师长|行政|管理|督导|工程师|顾问|培训|导师|设计|策划|专家|分析|总|领班|助理|渠道|主厨|其他"
    r"|人员$|行李员|水台|投料|押运|保镖|畜牧师|农艺师|[A-Za-z/(（]"
)
_NEW_OCCUPATION_MARK = re.compile(r"(L/S|L|S)$")
_TASK_NUMBER = re.compile(r"\s*\d+\s*[.、．]\s*")
_ROLE_ENDING = re.compile(r"的(服务|技术|专业|作业)?人员。?$")

PHYSICAL_LINES = {
    "heavy": "需搬运约20公斤的物料，以户外或现场作业为主",
    "medium": "工作以站立和走动为主",
    "light": "工作强度不大",
    "sedentary": "以坐姿工作为主",
}


@dataclass(frozen=True, slots=True)
class Wording:
    """What a description says beyond the occupation: filled in by the generator."""

    employer: str
    address: str
    pay: str
    hours: str
    benefits: tuple[str, ...]
    requirements: tuple[str, ...]
    notes: tuple[str, ...]
    accommodations: tuple[str, ...]
    headcount: int
    gig: bool


def occupation(code: str) -> Occupation:
    found = get_occupation(code)
    if found is None:
        raise KeyError(f"the demo tables name an unknown occupation: {code}")
    return found


@cache
def titles(code: str) -> tuple[str, ...]:
    """The occupation's name and its aliases that read as a worker's job title, plus our extras."""
    occ = occupation(code)
    aliases = (a.strip() for alias in occ.aliases for a in re.split(r"[,，;；]", alias))
    names = [_NEW_OCCUPATION_MARK.sub("", occ.name)]
    names += [a for a in aliases if a and not _NOT_A_TITLE.search(a)]
    names += TITLE_EXTRAS.get(code, ())
    return tuple(dict.fromkeys(names))


@cache
def tasks(code: str) -> tuple[str, ...]:
    parts = _TASK_NUMBER.split(occupation(code).tasks)
    return tuple(p.strip().rstrip("。；;") for p in parts if p.strip())


def title_for(rng: random.Random, trade: Trade, gig: bool, extras: tuple[str, ...]) -> str:
    base = rng.choice(titles(trade.code))
    if gig:
        return f"{base}（{rng.choice(('日结', '临时', '短期'))}）"
    if extras and rng.random() < 0.3:
        return f"{base}（{rng.choice(extras)}）"
    return f"急招{base}" if rng.random() < 0.1 else base


def _definition(code: str) -> str:
    text = _ROLE_ENDING.sub("。", occupation(code).definition)
    return f"岗位说明：{text}" if text else ""


def _duties(rng: random.Random, code: str) -> str:
    items = tasks(code)
    if not items:
        return ""
    chosen = sorted(rng.sample(range(len(items)), min(len(items), rng.randint(2, 4))))
    return "工作内容：\n" + "\n".join(f"{n}. {items[i]}" for n, i in enumerate(chosen, 1))


def certificate_line(codes: tuple[str, ...]) -> str:
    return "持有效" + "、".join(certificate(code).zh for code in codes)


def description(rng: random.Random, trade: Trade, wording: Wording) -> str:
    lead = (
        f"{wording.employer}近期用工，需{wording.headcount}人，按班次上岗。"
        if wording.gig
        else f"{wording.employer}招聘{wording.headcount}人。"
    )
    requirements = "；".join((*wording.requirements, PHYSICAL_LINES[trade.demand]))
    lines = [
        lead,
        _definition(trade.code),
        _duties(rng, trade.code),
        f"任职要求：{requirements}。",
        f"工作时间：{wording.hours}",
        f"薪资待遇：{wording.pay}" + (f"，{'，'.join(wording.benefits)}" if wording.benefits else ""),
        f"工作地点：{wording.address}",
    ]
    if wording.accommodations:
        lines.append("便利条件：" + "，".join(ACCOMMODATION_LINES[a] for a in wording.accommodations) + "。")
    lines += wording.notes
    if not wording.notes and rng.random() < 0.35:
        lines.append(rng.choice(INCLUSIVE_LINES))
    return "\n".join(line for line in lines if line)
