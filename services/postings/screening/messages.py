"""Plain words for employers: what is wrong with a posting and what to change, in Chinese and English."""

from decimal import Decimal

from services.postings.screening.lexicon import CategoryInfo
from services.postings.screening.model import Span

UNIT_ZH = {"hour": "小时", "day": "天", "month": "月", "piece": "件"}


def quoted(spans: list[Span]) -> str:
    return "、".join(f"“{s.text}”" for s in spans)


def discriminatory(info: CategoryInfo, spans: list[Span]) -> tuple[str, str]:
    zh = f"{quoted(spans)}以{info.label_zh}限制应聘者，属于法律禁止的就业歧视。请修改：{info.suggestion}。"
    en = (
        f"{quoted(spans)} limits applicants by {info.label_en}, which the law forbids as discrimination in "
        f"hiring. Please {info.suggestion_en}."
    )
    return zh, en


def underage(info: CategoryInfo, spans: list[Span]) -> tuple[str, str]:
    zh = (
        f"{quoted(spans)}会招用未满16周岁的人，或让16、17周岁的未成年工从事法律禁止他们做的工作。"
        f"请修改：{info.suggestion}。"
    )
    en = (
        f"{quoted(spans)} would hire someone under 16, or a 16-17 year old for work the law forbids minors "
        f"to do. Please {info.suggestion_en}."
    )
    return zh, en


def justification_required(info: CategoryInfo, spans: list[Span]) -> tuple[str, str]:
    zh = (
        f"{quoted(spans)}设置了{info.label_zh}要求，只有与岗位工作直接相关时才允许。"
        f"请删除，或为“{info.label_zh}”填写与岗位相关的理由。建议：{info.suggestion}。"
    )
    en = (
        f"{quoted(spans)} sets a {info.label_en} requirement, which is allowed only for a job-related "
        f"reason. Remove it, or give the reason for “{info.name}”. Suggestion: {info.suggestion_en}."
    )
    return zh, en


def justification_too_short(info: CategoryInfo, spans: list[Span], minimum: int) -> tuple[str, str]:
    zh = (
        f"为{info.label_zh}要求（{quoted(spans)}）填写的理由太短，或没有说明与岗位的关系。"
        f"请用至少{minimum}个字说明这个岗位为什么需要它。"
    )
    en = (
        f"The reason given for the {info.label_en} requirement ({quoted(spans)}) is too short or does not "
        f"say how the job needs it. Explain in at least {minimum} characters why this job needs it."
    )
    return zh, en


def public_welfare(info: CategoryInfo, spans: list[Span]) -> tuple[str, str]:
    zh = (
        f"公益性岗位不得设置{info.label_zh}要求（{quoted(spans)}），填写理由也不行。"
        f"请修改：{info.suggestion}。"
    )
    en = (
        f"A public-welfare post may not set a {info.label_en} requirement ({quoted(spans)}), whatever the "
        f"reason. Please {info.suggestion_en}."
    )
    return zh, en


def justified(info: CategoryInfo, spans: list[Span], reason: str) -> tuple[str, str]:
    zh = f"{quoted(spans)}设置了{info.label_zh}要求，已说明理由：{reason}"
    en = f"{quoted(spans)} sets a {info.label_en} requirement; the employer's reason: {reason}"
    return zh, en


def below_minimum_wage(
    pay: Decimal, minimum: Decimal, unit: str, where: str, source: str, since: str
) -> tuple[str, str]:
    unit_zh = UNIT_ZH.get(unit, unit)
    zh = (
        f"承诺的报酬 {pay} 元/{unit_zh} 低于{where}的最低工资标准 {minimum} 元/{unit_zh}"
        f"（{source}，{since}起执行）。请把报酬提高到不低于 {minimum} 元/{unit_zh}。"
    )
    en = (
        f"The pay promised, {pay} yuan per {unit}, is below the minimum wage for {where}: {minimum} yuan per "
        f"{unit} ({source}, in force since {since}). Raise it to at least {minimum} yuan per {unit}."
    )
    return zh, en
