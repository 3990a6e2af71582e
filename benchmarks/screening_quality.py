"""The posting checker: quality on the labelled clauses, speed on real descriptions.

`main()` (run by `make bench`) returns the evaluator's figures for the three splits of
`eval/posting_clauses_dev.csv`, and the time the checker takes per real description, next to a baseline
measured in the same run over the same texts (one plain `re.search`), so a slow or busy machine still
gives a comparable ratio.

`python -m benchmarks.screening_quality --review N --out FILE [--seed S] [--enriched]` writes, for a
person to read, N sentences of the real postings that the checker flags and N it passes (drawn at random
with the seed), one JSON line each. With `--enriched` the passed ones are drawn only from sentences that
name a protected trait or a requirement word (男/女, 岁, 户籍, 身高, 婚 …), where misses would hide. FILE
must be outside the repository: the real postings may not be copied into it.
"""

import argparse
import csv
import gzip
import hashlib
import json
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from services.postings.screening.checker import screen_text
from services.postings.screening.evaluate import evaluate
from services.postings.screening.normalize import normalize

SHARED_DATA = Path(
    os.environ.get("LINGONG_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
LABELLED = Path("eval") / "posting_clauses_dev.csv"
REAL_POSTINGS = Path("postings") / "real_postings.csv.gz"
SPEED_TEXTS = 2000
SEED = 20251001
HEADLINE = ("rows", "recall_prohibited", "recall_needs_justification", "fp_rate_ok", "span_accuracy")
# How a description is cut into sentences for the review sample (the labelled file's unit).
_SENTENCE_END = re.compile(r"[。；;！!？?\n\r]+|<br\s*/?>")
# Words a missed requirement would contain: the passed side of an enriched review is drawn from these.
TRIGGERS = re.compile(
    r"男|女|岁|年龄|年纪|户口|户籍|籍贯|本地|当地|身高|体重|形象|颜值|相貌|长相|五官|婚|孕|生育|乙肝|传染|民族"
    r"|宗教|信仰|残疾|健全|缺陷|年轻|宝妈|纹身|色盲"
)


def descriptions(path: Path) -> Iterator[str]:
    """Every non-empty description of the real postings file, in file order."""
    csv.field_size_limit(1 << 24)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("description"):
                yield row["description"]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _timings(texts: list[str], work: Callable[[str], object]) -> dict[str, float]:
    """Mean (one timed loop, so the clock's own cost does not swamp a fast baseline) and p99 (per call)."""
    for text in texts[:50]:  # warm caches (compiled patterns, the traditional-character table)
        work(text)
    start = time.perf_counter()
    for text in texts:
        work(text)
    mean = (time.perf_counter() - start) / len(texts)
    spent = []
    for text in texts:
        began = time.perf_counter()
        work(text)
        spent.append(time.perf_counter() - began)
    return {"mean_ms": round(mean * 1000, 5), "p99_ms": round(_pct(spent, 0.99) * 1000, 5)}


_BASELINE = re.compile("男")


def speed(texts: list[str]) -> dict[str, Any]:
    """Checker time per description, against one `re.search` of one word over the same texts.

    Two more yardsticks from the same run: normalisation alone, and a keyword filter (one search for
    any of the trigger words), the cheapest thing a checker could be.
    """
    baseline = _timings(texts, _BASELINE.search)
    keywords = _timings(texts, TRIGGERS.search)
    normalise = _timings(texts, normalize)
    checker = _timings(texts, screen_text)
    return {
        "descriptions": len(texts),
        "mean_chars": round(statistics.fmean(len(t) for t in texts), 1),
        "checker": checker,
        "normalise_only": normalise,
        "keyword_filter": keywords,
        "baseline_re_search": baseline,
        "checker_over_baseline_mean": round(checker["mean_ms"] / max(baseline["mean_ms"], 1e-9)),
        "checker_over_baseline_p99": round(checker["p99_ms"] / max(baseline["p99_ms"], 1e-9)),
        "checker_over_keyword_filter_mean": round(checker["mean_ms"] / max(keywords["mean_ms"], 1e-9), 1),
    }


def quality(path: Path) -> dict[str, Any]:
    """The headline figures and per-category recall for dev_half, heldout_half and all rows."""
    figures = evaluate(path)
    out: dict[str, Any] = {}
    for split, values in figures.items():
        out[split] = {key: values[key] for key in HEADLINE}
        out[split]["category_recall"] = values["category_recall"]
    return out


def main() -> dict[str, Any]:
    labelled, real = SHARED_DATA / LABELLED, SHARED_DATA / REAL_POSTINGS
    if not labelled.is_file() or not real.is_file():
        return {"skipped": f"shared data absent ({SHARED_DATA})"}
    texts = random.Random(SEED).sample(list(descriptions(real)), SPEED_TEXTS)
    return {"quality": quality(labelled), "speed": speed(texts)}


def sentences(path: Path) -> list[str]:
    """The distinct sentences (4-200 characters) of every real description."""
    seen: dict[str, None] = {}
    for text in descriptions(path):
        for piece in _SENTENCE_END.split(text):
            piece = piece.strip()
            if 4 <= len(piece) <= 200:
                seen.setdefault(piece)
    return list(seen)


def in_half(sentence: str, half: str | None) -> bool:
    """The sentence's half of the real postings by md5 (even or odd), or True when no half is asked.

    Rule writers read only the even half; the odd half is kept for blind draws.
    """
    if half is None:
        return True
    parity = int(hashlib.md5(sentence.encode("utf-8")).hexdigest(), 16) % 2
    return parity == (0 if half == "even" else 1)


def review_sample(
    path: Path, n: int, seed: int = SEED, enriched: bool = False, half: str | None = None
) -> Iterator[dict[str, Any]]:
    """n flagged and n passed sentences, drawn at random: the material for a precision review."""
    pool = [sentence for sentence in sentences(path) if in_half(sentence, half)]
    random.Random(seed).shuffle(pool)
    wanted = {"flagged": n, "passed": n}
    for sentence in pool:
        verdict = screen_text(sentence)
        side = "passed" if verdict.verdict == "ok" else "flagged"
        if side == "passed" and enriched and not TRIGGERS.search(sentence):
            continue
        if wanted[side] == 0:
            if not any(wanted.values()):
                return
            continue
        wanted[side] -= 1
        yield {
            "side": side,
            "sentence": sentence,
            "verdict": verdict.verdict,
            "spans": [[s.text, s.category] for s in verdict.spans],
        }


def _review(n: int, out: Path, seed: int, enriched: bool, half: str | None) -> None:
    repo = Path(__file__).resolve().parents[1]
    if out.resolve().is_relative_to(repo):
        sys.exit("write the review sample outside the repository: the real postings may not be copied in")
    with out.open("w", encoding="utf-8") as fh:
        for item in review_sample(SHARED_DATA / REAL_POSTINGS, n, seed, enriched, half):
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--review", type=int, metavar="N", help="write N flagged and N passed real sentences")
    parser.add_argument("--out", type=Path, help="where to write the review sample (outside the repository)")
    parser.add_argument("--seed", type=int, default=SEED, help="the draw (default: the benchmark's seed)")
    parser.add_argument("--enriched", action="store_true", help="draw passed sentences among trigger words")
    parser.add_argument(
        "--half",
        choices=("even", "odd"),
        help="draw only from this md5 half of the sentences (rule writers read the even half only)",
    )
    args = parser.parse_args()
    if args.review:
        if args.out is None:
            parser.error("--review needs --out")
        _review(args.review, args.out, args.seed, args.enriched, args.half)
    else:
        print(json.dumps(main(), ensure_ascii=False, indent=2))
