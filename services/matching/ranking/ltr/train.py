"""Training the learned ranker on logged outcomes, and judging it against the hand-set weights.

- **Model**: LightGBM `lambdarank` (LambdaMART) over `FEATURES`. LightGBM needs labels ≥ 0, so a row's
  training label is its graded label + 1 (no-show 0, shown 1, applied 2, booked 3, hired 4) with gains
  `LABEL_GAIN`: a no-show ranks below a list's untouched items, an application above them.
- **Position-bias correction**: inverse propensity weights. A row with an outcome (any label but 0)
  weighs 1 / p(position it was shown at), clipped at `CLIP`; propensities come from the logs by
  intervention harvesting (propensity.py). Untouched rows weigh 1.
- **Counterfactual evaluation** of a scoring over the logged lists (each list re-ordered by it):
  IPS = (1/lists) Σ_engaged gain(label) · λ(new rank) / p(logged position), λ(r) = 1/log2(1 + r);
  SNIPS = Σ gain · λ / p ÷ Σ gain / p — the IPS estimate self-normalised by the weights, so 1 means every
  engaged item first. Gains: 2^label − 1 (applied 1, booked 3, hired 7), a no-show −1.
- **The gate**: the learned model is kept only if its SNIPS on held-out seekers beats the hand-set
  order's by at least `min_gain` (absolute); `train_gated` says why otherwise.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt

from services.matching.ranking.ltr.features import FEATURES
from services.matching.ranking.ltr.logged import Logged
from services.matching.ranking.ltr.model import LearnedRanker
from services.matching.ranking.ltr.propensity import Propensities, harvest

F64 = npt.NDArray[np.float64]
LABEL_GAIN = [0.0, 1.0, 3.0, 7.0, 15.0]
CLIP = 20.0  # the largest inverse propensity weight
PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "ndcg_eval_at": [10],
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.9,
    "lambdarank_truncation_level": 20,
    "num_threads": 1,
    "deterministic": True,
    "force_row_wise": True,
    "seed": 7,
    "verbosity": -1,
}


def gain(label: npt.NDArray[np.int64]) -> F64:
    out: F64 = np.where(label < 0, -1.0, 2.0 ** np.maximum(label, 0) - 1.0)
    return out


def ips_weights(data: Logged, prop: Propensities) -> F64:
    out: F64 = np.where(data.label != 0, np.minimum(CLIP, 1.0 / prop.at(data.position)), 1.0)
    return out


def new_ranks(data: Logged, scores: F64) -> npt.NDArray[np.int64]:
    """Each row's rank (1 = first) when its list is re-ordered by `scores` (ties: as logged)."""
    ranks = np.zeros(len(data), dtype=np.int64)
    b = data.bounds()
    for g in range(len(b) - 1):
        lo, hi = int(b[g]), int(b[g + 1])
        order = np.lexsort((data.position[lo:hi], -scores[lo:hi]))
        ranks[lo + order] = np.arange(1, hi - lo + 1)
    return ranks


def counterfactual(data: Logged, scores: F64, prop: Propensities) -> dict[str, float]:
    """IPS and SNIPS estimates of the DCG of engaged items under the order `scores` gives."""
    engaged = data.label != 0
    lists = max(1, len(data.bounds()) - 1)
    if not engaged.any():
        return {"ips": 0.0, "snips": 0.0, "lists": lists, "engaged": 0}
    ranks = new_ranks(data, scores)[engaged]
    g = gain(data.label[engaged])
    w = np.minimum(CLIP, 1.0 / prop.at(data.position[engaged]))
    discount = 1.0 / np.log2(1.0 + ranks)
    ips = float((g * discount * w).sum() / lists)
    snips = float((g * discount * w).sum() / max((np.abs(g) * w).sum(), 1e-12))
    return {"ips": round(ips, 5), "snips": round(snips, 5), "lists": lists, "engaged": int(engaged.sum())}


def fit(
    data: Logged, prop: Propensities | None, rounds: int = 300, params: dict[str, Any] | None = None
) -> lgb.Booster:
    """A lambdarank model on the logged lists; `prop` None trains without position-bias correction."""
    sizes = np.diff(data.bounds())
    weight = ips_weights(data, prop) if prop is not None else None
    train = lgb.Dataset(
        data.x,
        label=data.label + 1,
        group=sizes,
        weight=weight,
        feature_name=list(FEATURES),
        free_raw_data=False,
    )
    config = dict(PARAMS) | {"label_gain": LABEL_GAIN} | (params or {})
    return lgb.train(config, train, num_boost_round=rounds)


@dataclass(slots=True)
class Verdict:
    beats: bool
    reason: str
    hand: dict[str, float]
    learned: dict[str, float]
    propensities: list[float]
    harvested: list[bool]
    model: LearnedRanker | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def train_gated(
    data: Logged,
    *,
    min_gain: float = 0.01,
    test_share: float = 0.25,
    rounds: int = 300,
    seed: int = 0,
    prop: Propensities | None = None,
    source: str = "impressions",
) -> Verdict:
    """Train on some seekers, judge on the others (SNIPS); a model that does not beat the hand-set
    order by `min_gain` comes back with `beats=False` and no model."""
    few = "too few logged outcomes to train and judge"
    if len(np.unique(data.user)) < 2 or not (data.label != 0).any():
        return Verdict(False, few, {}, {}, [], [])
    train, test = data.split(test_share, seed)
    prop = prop or harvest(train)
    if not (train.label != 0).any() or not (test.label != 0).any():
        return Verdict(False, few, {}, {}, prop.as_list(), prop.harvested)
    booster = fit(train, prop, rounds)
    hand = counterfactual(test, test.hand_score, prop)
    learned = counterfactual(test, np.asarray(booster.predict(test.x, num_threads=1)), prop)
    margin = learned["snips"] - hand["snips"]
    beats = margin >= min_gain
    reason = (
        f"SNIPS on held-out seekers: learned {learned['snips']:.4f} vs hand-set {hand['snips']:.4f} "
        f"({margin:+.4f}; needs {min_gain:+.4f})"
    )
    verdict = Verdict(beats, reason, hand, learned, prop.as_list(), prop.harvested)
    if beats:
        digest = hashlib.sha1(booster.model_to_string().encode()).hexdigest()[:8]
        version = datetime.now(UTC).strftime("%Y%m%d%H%M") + "-" + digest
        verdict.meta = {
            "version": version,
            "features": list(FEATURES),
            "beats_hand_set": True,
            "min_gain": min_gain,
            "hand_set": hand,
            "learned": learned,
            "propensities": prop.as_list(),
            "propensity_method": "intervention harvesting (adjacent positions), prior 1/k where too few",
            "source": source,
            "rows": len(data),
            "trained_at": datetime.now(UTC).isoformat(),
        }
        verdict.model = LearnedRanker(booster, version, verdict.meta)
    return verdict
