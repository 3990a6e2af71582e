"""Ranking quality: NDCG@10 and Recall@10 of `lingong rank` on the title-retrieval dev set.

`main()` (run by `make bench`) trains the occupation coder *without* the dev titles it is scored on —
every title of `eval/occupation_titles_dev.csv` that appears among the retrieval set's postings or
seekers is left out of its examples — ranks `eval/title_retrieval_dev/` with `rank_files` (the service's
own ranking code) and scores the result with `../shared/tools/score_ranking.py`. The same run also scores
the lexical part alone (the ranking with the coder's distributions switched off), next to the published
char TF-IDF baseline (NDCG@10 0.365, Recall@10 0.42). Skips cleanly when the shared data is absent.

With the model of meaning (services/matching/occupations/meaning.py), two more rankings of the same set:
`meaning_factor`, the plain coder plus the ranking's `meaning` factor (the text-fit signal: weight
0.135 × the title cosine rescaled within the seeker's list, fixed before looking), and `meaning`, what
`MATCHING_MEANING=on` ships: the factor and a coder with its two meaning signals. One coder is trained
(with the signals) and the plain one is the same model with their weights at 0 — exactly the plain coder.
`meaning_dims_64` is `meaning` with the factor's vectors projected to 64 dimensions
(`MATCHING_MEANING_DIMS=64`: the principal components of the classification's names). Vectors come from
the persistent store (`python -m benchmarks.meaning_cache` warms it).

`python -m benchmarks.ranking_quality [--out RANKS.jsonl]` prints the figures as JSON.
"""

import argparse
import copy
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from services.matching.occupations.meaning import default_embeddings
from services.matching.ranking.coder import predictor_of
from services.matching.ranking.files import rank_files
from services.matching.ranking.text import TextEncoder

SHARED = Path(os.environ.get("LINGONG_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
RETRIEVAL = SHARED / "eval" / "title_retrieval_dev"
TITLES = SHARED / "eval" / "occupation_titles_dev.csv"
SCORER = SHARED.parent / "tools" / "score_ranking.py"
BASELINE = {"ndcg@10": 0.365, "recall@10": 0.42, "what": "char 1-3gram TF-IDF cosine (data/README.md)"}
TOP_K = 10
_FIGURES = re.compile(r"ndcg@(\d+)=([\d.]+) recall@\d+=([\d.]+) seekers=(\d+) missing=(\d+)")


def retrieval_titles() -> set[str]:
    """Every title the retrieval set ranks or asks for."""
    out: set[str] = set()
    for name, column in (("postings.csv", "title"), ("seekers.csv", "desired_title")):
        with (RETRIEVAL / name).open(encoding="utf-8", newline="") as fh:
            out.update(row[column] for row in csv.DictReader(fh))
    return out


def allowed_examples(excluded: set[str]) -> list[tuple[str, str]]:
    """The labelled dev titles the coder may learn from: those not in the retrieval set."""
    with TITLES.open(encoding="utf-8", newline="") as fh:
        return [(r["title"], r["code"]) for r in csv.DictReader(fh) if r["title"] not in excluded]


def held_out_coder(examples: Sequence[tuple[str, str]], *, meaning: bool = False) -> Any:
    """The occupation coder trained on the classification plus only `examples` of the dev titles."""
    from services.matching.occupations import CoderParams, OccupationCoder

    params = CoderParams().with_meaning() if meaning else CoderParams()
    return OccupationCoder.train(extra_examples=list(examples), params=params)


def without_meaning(coder: Any) -> Any:
    """The same model with the meaning signals' weights at 0 (exactly the coder trained without them)."""
    from services.matching.occupations.coder import MEANING_SIGNALS

    plain = copy.copy(coder)
    plain.fusion = {k: 0.0 if k in MEANING_SIGNALS else v for k, v in coder.fusion.items()}
    plain._init_cache()
    return plain


def score(ranks: Path) -> dict[str, float | int]:
    """score_ranking.py's figures for a ranks file."""
    qrels = RETRIEVAL / "qrels.csv"
    out = subprocess.run(
        [sys.executable, str(SCORER), str(qrels), str(ranks), "--k", str(TOP_K)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = _FIGURES.search(out)
    if found is None:
        raise RuntimeError(f"unexpected scorer output: {out!r}")
    return {
        f"ndcg@{TOP_K}": float(found.group(2)),
        f"recall@{TOP_K}": float(found.group(3)),
        "seekers": int(found.group(4)),
        "missing": int(found.group(5)),
    }


def _no_codes(texts: Sequence[str]) -> list[list[tuple[str, float]]]:
    return [[] for _ in texts]


def run(ranks_path: Path | None = None) -> dict[str, Any]:
    if not (RETRIEVAL / "postings.csv").exists() or not TITLES.exists() or not SCORER.exists():
        return {"status": "skipped", "reason": f"shared data not found under {SHARED}"}
    excluded = retrieval_titles()
    examples = allowed_examples(excluded)
    started = time.perf_counter()
    coder = held_out_coder(examples, meaning=True)
    plain = without_meaning(coder)
    emb = default_embeddings()
    trained_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "coder_training": {
            "dev_titles_excluded": len(excluded),
            "dev_titles_used": len(examples),
            "what": (
                "CSCO-2022 classification (names, aliases, definitions) + dev titles not in the retrieval set"
            ),
            "seconds": round(trained_s, 1),
        },
        "baseline": BASELINE,
    }
    with tempfile.TemporaryDirectory() as tmp:
        variants = (
            ("ranking", predictor_of(plain), None),
            ("lexical_only", _no_codes, None),
            ("meaning_factor", predictor_of(plain), emb),
            ("meaning", predictor_of(coder), emb),
        )
        for name, predictor, meaning in (*variants, ("meaning_dims_64", predictor_of(coder), emb)):
            dims = 64 if name == "meaning_dims_64" else 0
            path = (
                ranks_path if (ranks_path is not None and name == "ranking") else Path(tmp) / f"{name}.jsonl"
            )
            started = time.perf_counter()
            with path.open("w", encoding="utf-8") as fh:
                rank_files(RETRIEVAL / "postings.csv", RETRIEVAL / "seekers.csv", TOP_K, fh,
                           encoder=TextEncoder(predictor, meaning=meaning, meaning_dims=dims))  # fmt: skip
            figures = score(path)
            figures["seconds"] = round(time.perf_counter() - started, 1)
            result[name] = figures
    result[f"ndcg@{TOP_K}"] = result["ranking"][f"ndcg@{TOP_K}"]
    result[f"recall@{TOP_K}"] = result["ranking"][f"recall@{TOP_K}"]
    result["meaning_store"] = {"vectors": len(emb), "embedded_during_run": emb.computed}
    return result


def main() -> dict[str, Any]:
    """For `make bench`: the figures as a dict (or why they were skipped)."""
    return run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="also keep the ranks file (outside the repository)")
    args = parser.parse_args()
    print(json.dumps(run(args.out), ensure_ascii=False, indent=2))
