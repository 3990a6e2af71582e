"""All the rules and exemptions, run together over one normalised text."""

import re

from services.postings.screening.engine import Context, Detector, Finding, drop_exempted, merge
from services.postings.screening.rules_age import AGE_RULES, EXEMPT_AGE, age_findings
from services.postings.screening.rules_family import FAMILY_RULES
from services.postings.screening.rules_health import (
    DISABILITY_RULES,
    EXEMPT_DISABILITY,
    EXEMPT_PATHOGEN,
    IMPAIRMENT_RULES,
    PATHOGEN_RULES,
)
from services.postings.screening.rules_looks import EXEMPT_LOOKS, LOOKS_RULES
from services.postings.screening.rules_origin import (
    ETHNICITY_RULES,
    EXEMPT_ETHNICITY,
    EXEMPT_HUKOU,
    HUKOU_RULES,
)
from services.postings.screening.rules_place import PLACE_RULES, hometown_findings, students_findings
from services.postings.screening.rules_sex import EXEMPT_MARITAL, EXEMPT_SEX, MARITAL_RULES, SEX_RULES

DETECTORS: tuple[Detector, ...] = (
    *SEX_RULES,
    *MARITAL_RULES,
    *FAMILY_RULES,
    *ETHNICITY_RULES,
    *HUKOU_RULES,
    *PLACE_RULES,
    hometown_findings,
    students_findings,
    *PATHOGEN_RULES,
    *DISABILITY_RULES,
    *IMPAIRMENT_RULES,
    *AGE_RULES,
    age_findings,
    *LOOKS_RULES,
)

# Inclusive wording (男女不限, 户籍不限, 年龄不限 …) silences the findings of its category it overlaps.
EXEMPTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sex", EXEMPT_SEX),
    ("marital_childbirth", EXEMPT_MARITAL),
    ("ethnicity_religion", EXEMPT_ETHNICITY),
    ("hukou_region", EXEMPT_HUKOU),
    ("pathogen_carrier", EXEMPT_PATHOGEN),
    ("disability", EXEMPT_DISABILITY),
    ("age", EXEMPT_AGE),
    ("appearance", EXEMPT_LOOKS),
)


def find(text: str, breaks: frozenset[int] = frozenset()) -> list[Finding]:
    """The merged findings in a normalised text (with its dropped-space positions), in text order."""
    ctx = Context(text, breaks)
    findings = [finding for detector in DETECTORS for finding in detector(ctx)]
    if not findings:
        return []
    exempt = [
        (m.start(), m.end(), category) for category, pattern in EXEMPTIONS for m in pattern.finditer(text)
    ]
    return merge(drop_exempted(findings, exempt))
