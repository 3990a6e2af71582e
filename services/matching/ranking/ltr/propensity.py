"""Position bias from the logs themselves, by intervention harvesting (Agarwal, Zaitsev, Wang, Li, Najork,
Joachims, WSDM 2019; Fang, Agarwal, Joachims, SIGIR 2019).

The same (seeker, posting) pair is shown at different positions in different lists as postings come,
fill and go: those are interventions nobody had to make. Under the position-based model (an item at
position k is examined with probability p_k, and engaged with, once examined, with a probability that
depends on the pair only), for a pair seen at both k and k+1 the engagement rates there estimate
p_k·r and p_{k+1}·r. Summed over such pairs, weighted by min(n_k, n_{k+1}) so pairs seen often count
more, the ratio gives p_{k+1}/p_k; chained, p_k/p_1. Engagement = any outcome (label ≥ 1 or no-show).

Where a ratio rests on fewer than `min_engaged` engagements, it falls back to the prior 1/k (and says so).
"""

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from services.matching.ranking.ltr.logged import Logged

F64 = npt.NDArray[np.float64]


@dataclass(slots=True)
class Propensities:
    p: F64  # p[k-1] for position k; p[0] = 1
    harvested: list[bool] = field(default_factory=list)  # per ratio k→k+1: harvested (else the prior)
    pairs_used: int = 0

    def at(self, position: npt.NDArray[np.int64]) -> F64:
        pos = np.clip(position, 1, len(self.p)) - 1
        out: F64 = self.p[pos]
        return out

    def as_list(self) -> list[float]:
        return [round(float(v), 4) for v in self.p]


def prior(max_position: int) -> Propensities:
    return Propensities(1.0 / np.arange(1, max_position + 1), [False] * (max_position - 1))


def harvest(data: Logged, max_position: int = 20, min_engaged: float = 20.0) -> Propensities:
    """Estimate p_1..p_max from pairs shown at adjacent positions (see the module's text)."""
    engaged = (data.label != 0).astype(np.float64)
    pos = np.clip(data.position, 1, max_position) - 1
    pairs, inverse = np.unique(data.pair, return_inverse=True)
    shape = (len(pairs), max_position)
    shown = np.zeros(shape)
    hits = np.zeros(shape)
    np.add.at(shown, (inverse, pos), 1.0)
    np.add.at(hits, (inverse, pos), engaged)
    ratios = np.ones(max_position - 1)
    harvested = []
    used = 0
    for k in range(max_position - 1):
        both = (shown[:, k] > 0) & (shown[:, k + 1] > 0)
        w = np.minimum(shown[both, k], shown[both, k + 1])
        at_k = (w * hits[both, k] / shown[both, k]).sum()
        at_next = (w * hits[both, k + 1] / shown[both, k + 1]).sum()
        enough = hits[both, k].sum() + hits[both, k + 1].sum() >= min_engaged and at_k > 0
        used += int(both.sum())
        if enough:
            ratios[k] = min(1.0, at_next / at_k)  # examination never rises down the list
        else:
            ratios[k] = (k + 1) / (k + 2)  # the prior 1/k's ratio
        harvested.append(bool(enough))
    p = np.concatenate([[1.0], np.cumprod(ratios)])
    return Propensities(np.maximum(p, 1e-3), harvested, used)
