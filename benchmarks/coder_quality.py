"""The occupation coder: accuracy under 5-fold cross-validation on the labelled dev titles, and speed.

`main()` (run by `make bench`) reports, for `eval/occupation_titles_dev.csv` (titles labelled with a
CSCO code; a coarse group label accepts any code under it):
- accuracy@1 and @5 per fold and their mean: in each fold the coder is trained on the classification plus
  the other four folds' titles and scored on the held-out fold (folds shuffled with a fixed seed);
- the classification-only coder's accuracy on every dev title (no titles learnt);
- the seconds the service's coder (classification + every dev title) takes to train, and its speed:
  distinct titles per second in batch (cache cold), single-title latency, and a batch of repeats;
- `meaning`: the same 5-fold cross-validation with and without the model of meaning's two signals
  (`e5_name`, `e5_vote`, weights fixed before looking: CoderParams.with_meaning()), each fold's coder
  trained once and scored both ways (the signals only add to the fused logits, so "without" is exactly
  the plain coder), plus the embedding store's state (vectors are read from it, else computed and kept).
Skips cleanly when the shared data is absent.

`python -m benchmarks.coder_quality` prints the figures as JSON. `--tune` instead re-runs the choice of
the fusion weights and temperature: a 4-fold cross-validation inside fold 0's training part only.
"""

import argparse
import json
import statistics
import time
from typing import Any

import numpy as np
from sklearn.model_selection import KFold

from services.matching.occupations import CoderParams, OccupationCoder
from services.matching.occupations.coder import MEANING_SIGNALS
from services.matching.occupations.evaluate import SEED, cross_validate, folds, read_labelled, score_coder
from services.matching.occupations.labels import accepted, target_index
from services.matching.occupations.meaning import default_embeddings, store_path
from services.matching.occupations.store import DEV_TITLES, shared_data
from services.matching.occupations.text import normalize

BASELINE = {"acc@1": 0.47, "acc@5": 0.74, "what": "char 1-3gram TF-IDF nearest neighbour, half the titles"}


def speed(coder: OccupationCoder, titles: list[str]) -> dict[str, float]:
    """Distinct titles per second (cache cold), single-title latency, repeated titles per second."""
    distinct = list(dict.fromkeys(titles))
    cold = OccupationCoder.__new__(OccupationCoder)
    cold.__setstate__(coder.__getstate__())  # the same model with an empty cache
    started = time.perf_counter()
    cold.predict(distinct, 20)
    batch_s = time.perf_counter() - started
    single = OccupationCoder.__new__(OccupationCoder)
    single.__setstate__(coder.__getstate__())
    spent = []
    for title in distinct[:300]:
        began = time.perf_counter()
        single.predict([title], 5)
        spent.append(time.perf_counter() - began)
    repeats = distinct * 20
    started = time.perf_counter()
    cold.predict(repeats, 20)
    repeat_s = time.perf_counter() - started
    return {
        "distinct_titles": len(distinct),
        "batch_titles_per_s": round(len(distinct) / batch_s),
        "single_title_ms_median": round(statistics.median(spent) * 1000, 3),
        "single_title_ms_p99": round(sorted(spent)[int(0.99 * (len(spent) - 1))] * 1000, 3),
        "cached_titles_per_s": round(len(repeats) / repeat_s),
    }


def meaning(examples: list[tuple[str, str]]) -> dict[str, Any]:
    """5-fold CV (the same folds) with and without `e5_name` and `e5_vote`."""
    emb = default_embeddings()
    stored, computed, started = len(emb), emb.computed, time.perf_counter()
    params = CoderParams().with_meaning()
    per_fold: dict[str, list[dict[str, Any]]] = {"without": [], "with": []}
    for i, (train, test) in enumerate(folds(len(examples))):
        coder = OccupationCoder.train([examples[j] for j in train], params=params)
        held = [examples[j] for j in test]
        full = dict(coder.fusion)
        for name, fusion in (("without", {k: 0.0 if k in MEANING_SIGNALS else v for k, v in full.items()}),
                             ("with", full)):  # fmt: skip
            coder.fusion = fusion
            coder._init_cache()
            at1, at5 = score_coder(coder, held)
            per_fold[name].append({"fold": i, "acc@1": round(at1, 4), "acc@5": round(at5, 4)})
    out: dict[str, Any] = {"weights": dict(w for w in params.weights if w[0] in MEANING_SIGNALS),
                           "temperature": params.temperature}  # fmt: skip
    for name, rows in per_fold.items():
        out[name] = {
            "acc@1": round(float(np.mean([f["acc@1"] for f in rows])), 4),
            "acc@5": round(float(np.mean([f["acc@5"] for f in rows])), 4),
            "folds": rows,
        }
    out["gain"] = {k: round(out["with"][k] - out["without"][k], 4) for k in ("acc@1", "acc@5")}
    out["store"] = {"path": str(store_path()), "vectors_at_start": stored,
                    "embedded_during_run": emb.computed - computed,
                    "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip
    return out


def run() -> dict[str, Any]:
    path = shared_data() / DEV_TITLES
    if not path.is_file():
        return {"skipped": f"shared data absent ({path})"}
    examples = read_labelled(path)
    result: dict[str, Any] = {"titles": len(examples), "seed": SEED, "baseline": BASELINE}
    result["cross_validation"] = cross_validate(examples)
    result["acc@1"] = result["cross_validation"]["acc@1"]
    result["acc@5"] = result["cross_validation"]["acc@5"]
    started = time.perf_counter()
    classification_only = OccupationCoder.train()
    cls_s = time.perf_counter() - started
    at1, at5 = score_coder(classification_only, examples)
    result["classification_only"] = {"acc@1": round(at1, 4), "acc@5": round(at5, 4),
                                     "train_seconds": round(cls_s, 1)}  # fmt: skip
    started = time.perf_counter()
    coder = OccupationCoder.train(examples)
    result["train_seconds"] = round(time.perf_counter() - started, 1)
    result["speed"] = speed(coder, [t for t, _ in examples])
    result["meaning"] = meaning(examples)
    return result


def main() -> dict[str, Any]:
    """For `make bench`: the figures as a dict (or why they were skipped)."""
    return run()


def tune() -> dict[str, Any]:
    """Fusion weights (coordinate ascent on acc@1 + acc@5/4) and temperature (log-loss), chosen by a
    4-fold cross-validation inside fold 0's training part: fold 0's own titles are never seen."""
    examples = read_labelled(shared_data() / DEV_TITLES)
    train0, _ = folds(len(examples))[0]
    data = []
    for inner_train, inner_test in KFold(4, shuffle=True, random_state=7).split(train0):
        coder = OccupationCoder.train([examples[train0[i]] for i in inner_train])
        held = [examples[train0[i]] for i in inner_test if normalize(examples[train0[i]][0])]
        right = np.zeros((len(held), len(coder.codes)), dtype=bool)
        for row, (_, code) in enumerate(held):
            right[row, [target_index()[c] for c in accepted(code)]] = True
        data.append((coder.signals([normalize(t) for t, _ in held]), right))
    weights = dict(CoderParams().weights)

    def fused(signals: dict[str, Any], w: dict[str, float]) -> Any:
        return sum(v * signals[k] for k, v in w.items() if v)

    def objective(w: dict[str, float]) -> float:
        total = 0.0
        for signals, right in data:
            z = fused(signals, w)
            top = np.argpartition(-z, 4, axis=1)[:, :5]
            total += (
                right[np.arange(len(z)), z.argmax(1)].mean()
                + np.take_along_axis(right, top, 1).any(1).mean() / 4
            )
        return total / len(data)

    best = objective(weights)
    for _ in range(4):
        before = best
        for key in list(weights):
            for step in (0.05, 0.1, 0.2, 0.4, -0.05, -0.1, -0.2, -0.4):
                trial = dict(weights, **{key: round(max(0.0, weights[key] + step), 3)})
                if (score := objective(trial)) > best + 1e-4:
                    best, weights = score, trial
        if best <= before:
            break
    losses = {}
    for temperature in (1.0, 2.0, 3.0, 3.5, 4.0, 5.0):
        nll = []
        for signals, right in data:
            z = temperature * fused(signals, weights)
            z = z - z.max(axis=1, keepdims=True)
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            nll.append(float(-np.log((p * right).sum(axis=1) + 1e-9).mean()))
        losses[temperature] = round(statistics.mean(nll), 4)
    return {"weights": weights, "objective": round(best, 4), "log_loss_by_temperature": losses}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tune", action="store_true", help="re-run the choice of weights and temperature")
    parser.add_argument("--meaning-only", action="store_true", help="only the with/without-meaning CV")
    args = parser.parse_args()
    if args.meaning_only:
        figures = meaning(read_labelled(shared_data() / DEV_TITLES))
    else:
        figures = tune() if args.tune else run()
    print(json.dumps(figures, ensure_ascii=False, indent=2))
