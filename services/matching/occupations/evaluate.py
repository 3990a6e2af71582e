"""Measuring the coder on labelled titles: seeded k-fold cross-validation, accuracy@1 and @5."""

import csv
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import KFold

from services.matching.occupations.coder import CoderParams, OccupationCoder
from services.matching.occupations.labels import is_correct

SEED = 20251123
Folds = list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]


def read_labelled(path: Path) -> list[tuple[str, str]]:
    """(title, code) rows of a labelled titles file (columns title, code)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [(row["title"], row["code"]) for row in csv.DictReader(fh)]


def folds(n: int, k: int = 5, seed: int = SEED) -> Folds:
    """k shuffled folds of range(n): (train indices, held-out indices)."""
    return [(tr, te) for tr, te in KFold(k, shuffle=True, random_state=seed).split(np.arange(n))]


def accuracy(predicted: Sequence[Sequence[str]], labels: Sequence[str]) -> tuple[float, float]:
    """accuracy@1 and @5: a prediction is right when it is the label or lies under a coarser label."""
    at1 = [bool(p) and is_correct(p[0], lb) for p, lb in zip(predicted, labels, strict=True)]
    at5 = [any(is_correct(c, lb) for c in p[:5]) for p, lb in zip(predicted, labels, strict=True)]
    return float(np.mean(at1)), float(np.mean(at5))


def score_coder(coder: OccupationCoder, held_out: Sequence[tuple[str, str]]) -> tuple[float, float]:
    predicted = coder.predict([t for t, _ in held_out], 5)
    return accuracy([[c for c, _ in row] for row in predicted], [code for _, code in held_out])


def cross_validate(
    examples: Sequence[tuple[str, str]], k: int = 5, seed: int = SEED, params: CoderParams | None = None
) -> dict[str, Any]:
    """Per fold: train on the classification + the other folds' titles, score the held-out fold."""
    per_fold = []
    for i, (train, test) in enumerate(folds(len(examples), k, seed)):
        started = time.perf_counter()
        coder = OccupationCoder.train([examples[j] for j in train], params=params)
        trained = time.perf_counter() - started
        at1, at5 = score_coder(coder, [examples[j] for j in test])
        per_fold.append({"fold": i, "acc@1": round(at1, 4), "acc@5": round(at5, 4),
                         "held_out": len(test), "train_seconds": round(trained, 1)})  # fmt: skip
    return {
        "folds": per_fold,
        "acc@1": round(float(np.mean([f["acc@1"] for f in per_fold])), 4),
        "acc@5": round(float(np.mean([f["acc@5"] for f in per_fold])), 4),
    }
