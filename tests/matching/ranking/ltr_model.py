"""A small learned ranker for tests: trained in a second on made-up logs in which nearness and pay, not
the hand-set total, decide who applies — so it passes the gate and orders differently from the weights."""

from functools import cache

import numpy as np

from services.matching.ranking.ltr.features import FEATURES
from services.matching.ranking.ltr.logged import Logged
from services.matching.ranking.ltr.model import LearnedRanker
from services.matching.ranking.ltr.train import train_gated

LISTS, PER = 300, 20


def made_up_logs(driven_by: tuple[str, ...], seed: int = 3) -> Logged:
    """Lists of 20 random feature rows; the chance of an application rises with the named features."""
    rng = np.random.default_rng(seed)
    n = LISTS * PER
    x = rng.random((n, len(FEATURES)))
    utility = sum(x[:, FEATURES.index(f)] for f in driven_by) / len(driven_by)
    label = (rng.random(n) < 1.0 / (1.0 + np.exp(-(8.0 * utility - 6.0)))).astype(np.int64)
    lists = np.repeat(np.arange(LISTS), PER)
    return Logged(x, label, np.tile(np.arange(1, PER + 1), LISTS), lists, np.arange(n), lists)


@cache
def trained_model() -> LearnedRanker:
    verdict = train_gated(made_up_logs(("distance", "pay")), rounds=60, source="tests")
    assert verdict.model is not None, verdict.reason
    return verdict.model
