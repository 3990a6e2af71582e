"""`lingong ltr`: the offline loop over the matching database — the labelled dataset, training behind the
gate, and the counterfactual evaluation of a model file against the hand-set weights."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from services.kit.db import build_engine, build_sessionmaker
from services.kit.settings import ServiceSettings
from services.matching.impressions.dataset import labelled, to_logged
from services.matching.ranking.ltr.logged import Logged
from services.matching.ranking.ltr.model import load
from services.matching.ranking.ltr.propensity import harvest
from services.matching.ranking.ltr.train import Verdict, counterfactual, train_gated


async def logged_from(settings: ServiceSettings, days: int, window_days: int) -> tuple[Logged, int]:
    """(the labelled personalised impressions of the last `days`, how many rows) from the database."""
    engine = build_engine(settings)
    try:
        async with build_sessionmaker(engine)() as session:
            since = datetime.now(UTC) - timedelta(days=days)
            rows = await labelled(session, since, timedelta(days=window_days))
    finally:
        await engine.dispose()
    return to_logged(rows), len(rows)


async def export(settings: ServiceSettings, days: int, window_days: int, out: Any) -> int:
    """One JSON line per labelled impression: request, position, label, features (ids only)."""
    engine = build_engine(settings)
    try:
        async with build_sessionmaker(engine)() as session:
            since = datetime.now(UTC) - timedelta(days=days)
            rows = await labelled(session, since, timedelta(days=window_days))
    finally:
        await engine.dispose()
    for r in rows:
        line = {
            "impression_id": str(r.id),
            "request_id": r.request_id,
            "seeker_id": r.seeker_id,
            "posting_id": str(r.posting_id),
            "position": r.position,
            "label": r.label,
            "features": r.features,
            "shown_at": r.shown_at.isoformat(),
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(rows)


def train_and_write(data: Logged, out: Path, min_gain: float, rounds: int) -> Verdict:
    """Train behind the gate; the model file is written only when it beats the hand-set weights."""
    verdict = train_gated(data, min_gain=min_gain, rounds=rounds)
    if verdict.beats and verdict.model is not None:
        verdict.model.save(out)
    return verdict


def evaluate(data: Logged, model_path: Path | None) -> dict[str, Any]:
    """IPS and SNIPS of the hand-set order and (given) a model's, over all the logged lists."""
    prop = harvest(data)
    report: dict[str, Any] = {
        "rows": len(data),
        "lists": max(0, len(data.bounds()) - 1),
        "propensities": prop.as_list(),
        "harvested": prop.harvested,
        "hand_set": counterfactual(data, data.hand_score, prop),
    }
    if model_path is not None:
        model = load(model_path)
        report["learned"] = counterfactual(data, np.asarray(model.score(data.x)), prop)
        report["model"] = model.version
    return report
