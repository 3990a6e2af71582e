"""Education requirements: lawful on most posts, but not on a public-welfare post."""

import re

from services.postings.screening.engine import Finding

_LEVEL = r"(?:大专|本科|高中|中专|初中|小学|硕士|研究生|博士|专科|大学|中职|技校|职高|高职)"
_EDUCATION = re.compile(
    rf"{_LEVEL}(?:及|或)?(?:以上|及以上)?(?:学历|文化|毕业|文凭)|学历(?:要求)?[:]?(?:在|为|须|需)?{_LEVEL}"
    r"|(?:全日制|统招)(?:大专|本科|学历)"
)
_EXEMPT = re.compile(r"学历不限|不限学历|学历无要求|对学历无要求|不要求学历|无学历要求")


def education_findings(text: str) -> list[Finding]:
    """Education requirements in a normalised text (only a public-welfare post is refused for them)."""
    exempt = [m.span() for m in _EXEMPT.finditer(text)]
    return [
        Finding(m.start(), m.end(), "education", "education")
        for m in _EDUCATION.finditer(text)
        if not any(s < m.end() and m.start() < e for s, e in exempt)
    ]
