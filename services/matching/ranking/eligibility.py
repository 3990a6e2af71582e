"""Stage 1: the hard rules, vectorised over candidate rows of the posting index."""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from services.matching.ranking import vocab
from services.matching.ranking.grid import chord2_rows, concat_ranges, km_of_chord2
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.query import Seeker, fits

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

GIG = np.uint32(1 << vocab.GIG_BIT)
_CERTS = np.uint32(vocab.CERT_BITS)

# Rule names, in the order they are checked, with the reason a posting fails each.
RULE_TEXT = {
    "age": ("未满16周岁，不能推荐工作", "Nobody under 16 can be matched with work"),
    "open": ("岗位已关闭、已过期或没有空余名额", "The posting is closed, expired or full"),
    "kind": ("不是您想找的类型（全职/零工）", "Not the kind of work you asked for (job or gig)"),
    "certificates": ("需要您尚未持有的证书", "Needs a certificate you do not hold"),
    "reserved": (
        "公益性岗位，仅限认定的就业困难人员",
        "A public-welfare post, reserved for certified people",
    ),
    "minor": ("未成年工（16-17岁）不得从事此类工作", "Work that 16-17 year olds may not do"),
    "distance": ("超出您的通勤范围", "Beyond your commute limit"),
    "shift": ("没有在您有空时间内、可报名的班次", "No bookable shift in your free time"),
}


@dataclass(slots=True)
class Eligible:
    rows: I64
    km: F64
    is_gig: npt.NDArray[np.bool_]
    n_fit: F64  # gigs: upcoming bookable shifts that fit; jobs: 0
    free: F64  # free slots: a job's headcount, a gig's upcoming bookable places

    def take(self, keep: I64) -> "Eligible":
        return Eligible(self.rows[keep], self.km[keep], self.is_gig[keep], self.n_fit[keep], self.free[keep])


def gig_shifts(index: PostingIndex, s: Seeker, rows: I64) -> tuple[F64, F64]:
    """Per gig row: how many upcoming bookable shifts fit the seeker, and the free places in all of them."""
    cols, sh = index.cols.a, index.shifts.a
    off, cnt = cols["sh_off"][rows], cols["sh_cnt"][rows]
    flat = concat_ranges(off, off + cnt)
    owner = np.repeat(np.arange(len(rows)), cnt)
    ok = sh["bookable"][flat] & (sh["start"][flat] > s.now)
    free = np.bincount(owner, weights=np.where(ok, sh["free"][flat], 0), minlength=len(rows))
    if s.minor:
        ok &= ~sh["night"][flat]
    ok &= fits(s.intervals, sh["week"][flat], sh["minutes"][flat])
    n_fit = np.bincount(owner, weights=ok, minlength=len(rows)).astype(np.float64)
    return n_fit, free.astype(np.float64)


def fitting_shifts(index: PostingIndex, s: Seeker, rows: I64) -> list[tuple[str, ...]]:
    """Per gig row: the ids of its upcoming bookable shifts that fit the seeker, soonest first."""
    cols, sh = index.cols.a, index.shifts.a
    off, cnt = cols["sh_off"][rows], cols["sh_cnt"][rows]
    flat = concat_ranges(off, off + cnt)
    owner = np.repeat(np.arange(len(rows)), cnt)
    ok = sh["bookable"][flat] & (sh["start"][flat] > s.now)
    if s.minor:
        ok &= ~sh["night"][flat]
    ok &= fits(s.intervals, sh["week"][flat], sh["minutes"][flat])
    flat, owner = flat[ok], owner[ok]
    order = np.lexsort((sh["start"][flat], owner))
    out: list[list[str]] = [[] for _ in range(len(rows))]
    for o, i in zip(owner[order].tolist(), flat[order].tolist(), strict=True):
        out[o].append(str(sh["id"][i]))
    return [tuple(x) for x in out]


def eligible(index: PostingIndex, s: Seeker, rows: I64) -> Eligible:
    """The rows that pass every hard rule, with what the scoring needs from the checks."""
    cols = index.cols.a
    req = cols["req"][rows]
    keep = (req & ~s.capability) == 0
    keep &= cols["valid_until"][rows] > s.now
    rows, req = rows[keep], req[keep]
    chord2 = chord2_rows(s.point, cols["x"][rows], cols["y"][rows], cols["z"][rows])
    near = chord2 <= s.chord2
    rows, req = rows[near], req[near]
    km = km_of_chord2(chord2[near])
    is_gig = (req & GIG) != 0
    free = cols["job_free"][rows].astype(np.float64)
    n_fit = np.zeros(len(rows))
    if is_gig.any():
        gig_rows = np.flatnonzero(is_gig)
        n_fit[gig_rows], free[gig_rows] = gig_shifts(index, s, rows[gig_rows])
        ok = ~is_gig | (n_fit > 0)
        rows, km, is_gig, n_fit, free = rows[ok], km[ok], is_gig[ok], n_fit[ok], free[ok]
    return Eligible(rows, km, is_gig, n_fit, free)


_UNAVAILABLE = np.uint32(1 << vocab.UNAVAILABLE_BIT)


def in_reach(index: PostingIndex, s: Seeker, rows: I64) -> I64:
    """The open rows within the seeker's commute: what a seeker-relative scale (the `meaning` factor's)
    is taken over. It reads none of the seeker's personal rules (age, reserved posts, certificates,
    kinds, hours), so those change no other posting's value."""
    cols = index.cols.a
    keep = (cols["req"][rows] & _UNAVAILABLE) == 0
    keep &= cols["valid_until"][rows] > s.now
    rows = rows[keep]
    near = chord2_rows(s.point, cols["x"][rows], cols["y"][rows], cols["z"][rows]) <= s.chord2
    out: I64 = rows[near]
    return out


def failed_rules(index: PostingIndex, s: Seeker, row: int) -> list[str]:
    """Every hard rule one posting fails for this seeker (empty: it is eligible)."""
    if s.too_young:
        return ["age"]
    cols = index.cols.a
    req = int(cols["req"][row])
    lack = req & ~int(s.capability)
    failed: list[str] = []
    if lack & (1 << vocab.UNAVAILABLE_BIT) or cols["valid_until"][row] <= s.now:
        failed.append("open")
    if lack & ((1 << vocab.JOB_BIT) | (1 << vocab.GIG_BIT)):
        failed.append("kind")
    if lack & int(_CERTS):
        failed.append("certificates")
    if lack & (1 << vocab.RESERVED_BIT):
        failed.append("reserved")
    if lack & (1 << vocab.ADULT_BIT):
        failed.append("minor")
    one = np.array([row], dtype=np.int64)
    if chord2_rows(s.point, cols["x"][one], cols["y"][one], cols["z"][one])[0] > s.chord2:
        failed.append("distance")
    if req & int(GIG) and gig_shifts(index, s, one)[0][0] == 0:
        failed.append("shift")
    return failed
