"""Small fixed vocabularies as integer codes and bitmasks: occupations, certificates, accommodations."""

from collections.abc import Iterable
from functools import cache

import numpy as np
import numpy.typing as npt

from services.matching.occupations.text import clean_name
from services.reference.certificates import CERTIFICATES, lookup_certificate
from services.reference.occupations import occupations

ACCOMMODATIONS = ("step_free", "seated_work", "sign_language", "flexible_hours")
FLAGS = ("public_welfare", "internship", "mom_post", "work_relief", "shared_staffing", "labour_brand")
PHYSICAL = ("sedentary", "light", "medium", "heavy")
KINDS = ("job", "gig")

ACCOMMODATION_ZH = {
    "step_free": "无障碍通道",
    "seated_work": "可坐姿工作",
    "sign_language": "手语沟通",
    "flexible_hours": "弹性工作时间",
}
ACCOMMODATION_EN = {
    "step_free": "step-free access",
    "seated_work": "seated work",
    "sign_language": "sign language",
    "flexible_hours": "flexible hours",
}

# Requirement word of a posting and capability word of a seeker: a posting is open to a seeker when
# (requirement & ~capability) == 0. Bits 0-23 are certificates (a certificate code we do not know takes
# bit 23, which no seeker holds).
UNKNOWN_CERT_BIT = 23
CERT_BITS = (1 << (UNKNOWN_CERT_BIT + 1)) - 1
RESERVED_BIT = 24  # public_welfare post: only for certified priority-group members
ADULT_BIT = 25  # work forbidden to 16-17 year olds
JOB_BIT = 26
GIG_BIT = 27
UNAVAILABLE_BIT = 28  # never held: closed, removed, no free slot

FLEXIBLE_HOURS = 1 << ACCOMMODATIONS.index("flexible_hours")  # in the accommodations bitmask
MOM_POST = 1 << FLAGS.index("mom_post")  # in the flags bitmask

U32 = npt.NDArray[np.uint32]

if len(CERTIFICATES) > UNKNOWN_CERT_BIT:  # pragma: no cover - a reminder for whoever adds certificates
    raise RuntimeError("too many certificates for the requirement word")


@cache
def cert_bit() -> dict[str, int]:
    return {c.code: i for i, c in enumerate(CERTIFICATES)}


def cert_mask(names: Iterable[str]) -> int:
    """Certificate codes or names → bitmask; an unknown certificate sets a bit nobody holds."""
    mask = 0
    bits = cert_bit()
    for name in names:
        cert = lookup_certificate(name)
        mask |= 1 << (bits[cert.code] if cert is not None else UNKNOWN_CERT_BIT)
    return mask


def held_cert_mask(names: Iterable[str]) -> int:
    """A seeker's certificates → bitmask; unknown names are simply not held."""
    mask = 0
    bits = cert_bit()
    for name in names:
        cert = lookup_certificate(name)
        if cert is not None:
            mask |= 1 << bits[cert.code]
    return mask


def cert_codes(mask: int) -> list[str]:
    return [c.code for i, c in enumerate(CERTIFICATES) if mask >> i & 1]


def bitmask(values: Iterable[str], vocabulary: tuple[str, ...]) -> int:
    mask = 0
    for value in values:
        if value in vocabulary:
            mask |= 1 << vocabulary.index(value)
    return mask


def names_of(mask: int, vocabulary: tuple[str, ...]) -> list[str]:
    return [v for i, v in enumerate(vocabulary) if mask >> i & 1]


POPCOUNT8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.int8)


class OccupationTable:
    """Every CSCO-2022 code as a small integer, with the integer of the minor group it falls under."""

    def __init__(self) -> None:
        self.codes: list[str] = list(occupations())
        self.index: dict[str, int] = {c: i for i, c in enumerate(self.codes)}
        minor = np.arange(len(self.codes), dtype=np.int16)
        for i, code in enumerate(self.codes):
            occ = occupations()[code]
            if occ.level == 4:
                minor[i] = self.index.get(occ.minor_group, i)
        self.minor: npt.NDArray[np.int16] = minor
        self.size = len(self.codes)
        self.names = [clean_name(occupations()[c].name) for c in self.codes]

    def name(self, i: int) -> str:
        """The classification name without its green (L) / digital (S) marks."""
        return self.names[i]


@cache
def occupation_table() -> OccupationTable:
    return OccupationTable()
