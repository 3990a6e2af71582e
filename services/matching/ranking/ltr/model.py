"""The learned re-ranker: a LightGBM lambdarank model over `FEATURES`, with the metadata that says it
beat the hand-set weights offline. It only re-orders the hand-set pipeline's shortlist (the top
`shortlist` eligible postings by the hand-set score): hard rules run before it, FA*IR after it.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt

from services.matching.ranking.ltr.features import FEATURES

F64 = npt.NDArray[np.float64]


class ModelRefused(Exception):
    """The model file is not one the service may serve (wrong features, or it did not beat the hand-set
    weights offline)."""


@dataclass(slots=True)
class LearnedRanker:
    booster: lgb.Booster
    version: str
    meta: dict[str, Any]
    shortlist: int = 50

    @property
    def name(self) -> str:
        return f"ltr-{self.version}"

    def score(self, x: F64) -> F64:
        if len(x) == 0:
            return np.zeros(0)
        out: F64 = np.asarray(self.booster.predict(x, num_threads=1), dtype=np.float64)
        return out

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.booster.save_model(str(path))
        meta_path(path).write_text(json.dumps(self.meta, indent=2, ensure_ascii=False), encoding="utf-8")


def meta_path(path: Path) -> Path:
    return path.with_suffix(".json")


def load(path: Path, shortlist: int = 50) -> LearnedRanker:
    """The model at `path` and its metadata beside it; refused unless it beat the hand-set weights."""
    meta_file = meta_path(path)
    if not path.is_file() or not meta_file.is_file():
        raise ModelRefused(f"no model at {path} (with its {meta_file.name})")
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if tuple(meta.get("features", ())) != FEATURES:
        raise ModelRefused("the model was trained on other features")
    if not meta.get("beats_hand_set"):
        raise ModelRefused("the model did not beat the hand-set weights offline")
    booster = lgb.Booster(model_file=str(path))
    return LearnedRanker(booster, str(meta["version"]), meta, shortlist)
