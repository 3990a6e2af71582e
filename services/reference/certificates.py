"""Certificates that postings require and seekers hold: one code each, with the names people use."""

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Certificate:
    code: str
    zh: str
    en: str
    aliases: tuple[str, ...]


CERTIFICATES: tuple[Certificate, ...] = (
    Certificate("health", "健康证", "health certificate", ("健康证明", "食品从业人员健康证")),
    Certificate("welder", "焊工证", "welder's certificate", ("焊接证", "熔化焊接与热切割作业证", "电焊证")),
    Certificate(
        "electrician", "电工证", "electrician's certificate", ("低压电工证", "高压电工证", "电工作业证")
    ),
    Certificate("forklift", "叉车证", "forklift licence", ("叉车操作证", "N1证", "场(厂)内机动车辆作业证")),
    Certificate("work_at_height", "高处作业证", "work-at-height certificate", ("登高证", "高空作业证")),
    Certificate("driving_c1", "C1驾驶证", "C1 driving licence", ("驾驶证", "C1驾照", "驾照")),
    Certificate("driving_b2", "B2驾驶证", "B2 driving licence", ("B2驾照",)),
    Certificate("driving_a2", "A2驾驶证", "A2 driving licence", ("A2驾照",)),
    Certificate("crane", "起重机作业证", "crane operator certificate", ("起重证", "塔吊证", "行车证")),
    Certificate("boiler", "锅炉作业证", "boiler operator certificate", ("司炉证",)),
    Certificate("security_guard", "保安员证", "security guard certificate", ("保安证",)),
    Certificate("childcare", "育婴员证", "childcare certificate", ("育婴师证",)),
    Certificate("elderly_care", "养老护理员证", "elderly-care certificate", ("护理员证",)),
    Certificate("chef", "中式烹调师证", "chef certificate", ("厨师证",)),
    Certificate("teacher", "教师资格证", "teaching licence", ("教资",)),
    Certificate("nurse", "护士执业证", "nurse licence", ("护士证",)),
    Certificate("refrigeration", "制冷与空调作业证", "refrigeration certificate", ("制冷证",)),
)


@cache
def _by_name() -> dict[str, Certificate]:
    out: dict[str, Certificate] = {}
    for cert in CERTIFICATES:
        for name in (cert.code, cert.zh, *cert.aliases):
            out[name.casefold()] = cert
    return out


def lookup_certificate(name: str) -> Certificate | None:
    """A certificate by its code, its Chinese name or a common alias."""
    return _by_name().get(name.strip().casefold())


def certificate(code: str) -> Certificate:
    found = lookup_certificate(code)
    if found is None:
        raise KeyError(code)
    return found
