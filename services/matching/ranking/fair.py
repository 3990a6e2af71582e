"""FA*IR top-k re-ranking (Zehlike, Bonchi, Castillo, Hajian, Megahed, Baeza-Yates, CIKM 2017).

Every prefix of length i of the list must hold at least m(i) protected candidates, where m(i) is the
α-quantile of Binomial(i, p): the number a fair lottery with share p would fall below with probability α
(`scipy.stats.binom.ppf`, as in the authors' reference implementation). With `adjust=True` (the default)
α is corrected for testing k prefixes at once (the paper's Algorithm 3): the largest α_c is found whose
table fails a truly fair ranking in at least one prefix with probability at most α, computed exactly by
dynamic programming over the count of protected candidates. Within the table, candidates keep their
score order; a protected candidate is pulled up only when a prefix would otherwise fall short.
"""

import asyncio
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy.stats import binom


def _validate(k: int, p: float, alpha: float) -> None:
    if k < 0:
        raise ValueError("k must not be negative")
    if not 0.0 < p < 1.0:
        raise ValueError("p must lie strictly between 0 and 1")
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must lie strictly between 0 and 1")


def mtable(k: int, p: float, alpha: float) -> tuple[int, ...]:
    """m(1..k): the minimum number of protected candidates in each prefix (unadjusted test)."""
    _validate(k, p, alpha)
    if k == 0:
        return ()
    values = binom.ppf(alpha, np.arange(1, k + 1), p)
    return tuple(int(v) for v in np.maximum(values, 0))


def fail_probability(table: Sequence[int], p: float) -> float:
    """Probability that a ranking drawn fairly (each place protected with probability p, independently)
    fails at least one prefix test of `table`."""
    dist = np.zeros(len(table) + 1)
    dist[0] = 1.0
    failed = 0.0
    for i, need in enumerate(table, start=1):
        dist[1 : i + 1] = dist[1 : i + 1] * (1 - p) + dist[0:i] * p
        dist[0] *= 1 - p
        if need > 0:
            failed += float(dist[:need].sum())
            dist[:need] = 0.0
    return failed


@lru_cache(maxsize=256)
def adjusted_alpha(k: int, p: float, alpha: float) -> float:
    """The largest α_c ≤ α whose table fails a fair ranking with probability ≤ α (bisection)."""
    _validate(k, p, alpha)
    if k == 0 or fail_probability(mtable(k, p, alpha), p) <= alpha:
        return alpha
    lo, hi = 0.0, alpha
    for _ in range(50):
        mid = (lo + hi) / 2
        if fail_probability(mtable(k, p, mid), p) <= alpha:
            lo = mid
        else:
            hi = mid
    return lo if lo > 0 else hi * 1e-6


@lru_cache(maxsize=256)
def minimum_table(k: int, p: float, alpha: float, adjust: bool = True) -> tuple[int, ...]:
    """The table FA*IR enforces: α-adjusted by default."""
    return mtable(k, p, adjusted_alpha(k, p, alpha) if adjust else alpha)


_READY: set[tuple[int, float, float, bool]] = set()


async def table_ready(k: int, p: float, alpha: float, adjust: bool = True) -> None:
    """Makes the table for k places in a worker thread unless it is made already. The α adjustment is a
    bisection over tables (0.1-0.2 s of CPU for k = 50, seconds on a starved machine): on the event loop
    it would stall every other request of the process, and trip the load shedder's lag bound."""
    key = (k, p, alpha, adjust)
    if key not in _READY:
        await asyncio.to_thread(minimum_table, *key)
        _READY.add(key)


def fair_order(
    scores: Sequence[float], protected: Sequence[bool], k: int, p: float, alpha: float, adjust: bool = True
) -> list[int]:
    """Positions (into `scores`) of the top k, re-ranked so every prefix meets the table when there are
    protected candidates enough; ties by score keep the lower position first."""
    _validate(k, p, alpha)
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    prot = [i for i in order if protected[i]]
    rest = [i for i in order if not protected[i]]
    table = minimum_table(k, p, alpha, adjust)  # for k places; a shorter list meets its prefix
    out: list[int] = []
    tp = tn = 0
    for position in range(min(k, len(scores))):
        need = table[position]
        take_protected: bool
        if tp < len(prot) and tp < need:
            take_protected = True
        elif tp >= len(prot):
            take_protected = False
        elif tn >= len(rest):
            take_protected = True
        else:
            a, b = prot[tp], rest[tn]
            take_protected = (-scores[a], a) < (-scores[b], b)
        if take_protected:
            out.append(prot[tp])
            tp += 1
        else:
            out.append(rest[tn])
            tn += 1
    return out
