"""Builds the learned related-occupation pairs shipped as `data/related_occupations.csv` (docs/ranking.md).

`python -m services.matching.ranking.build_related [--out PATH]` learns from data the project may ship:
- titles: the labelled dev titles (`eval/occupation_titles_dev.csv`, MIT), each coded out of fold by a
  coder trained on the classification plus the other four folds; a title labelled a that puts
  probability on b says a seeker writing such a title may mean either;
- employers: the seeded demo postings (services/postings/demo): codes the same employer posts together.
Nothing from `postings/real_postings.csv.gz` (no licence) goes in; benchmarks/relatedness.py measures
the table against it.
"""

import argparse
import csv
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

from services.matching.occupations.coder import OccupationCoder
from services.matching.occupations.evaluate import folds
from services.matching.occupations.store import training_examples
from services.matching.ranking.related import SOURCES, TABLE_FILE
from services.matching.ranking.vocab import occupation_table

TITLE_MIN = 0.06  # mean probability a title of one code puts on the other, both ways
TITLE_MASS = 0.6  # and at least this much probability in all
EMPLOYER_MIN = 4  # demo employers posting both
EMPLOYER_LIFT = 3.0  # times more often than chance
DEMO_SEEDS = (7, 8, 9, 10, 11)
DEMO_POSTINGS = 3000

Pair = tuple[str, str]


def _key(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def title_pairs(examples: list[tuple[str, str]], k: int = 5) -> dict[Pair, float]:
    """Pair → weight from out-of-fold codings of the labelled titles."""
    known = occupation_table().index
    if len(examples) < k:
        return {}
    mass: dict[Pair, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for train, test in folds(len(examples), k):
        coder = OccupationCoder.train([examples[j] for j in train])
        held = [examples[j] for j in test]
        for (_, label), row in zip(held, coder.predict([t for t, _ in held], 20), strict=True):
            if label not in known:
                continue
            count[label] += 1
            for code, p in row:
                if code != label and code in known:
                    mass[_key(label, code)] += float(p)
    out: dict[Pair, float] = {}
    for (a, b), m in mass.items():
        mean = m / (count[a] + count[b])
        if mean >= TITLE_MIN and m >= TITLE_MASS:
            out[(a, b)] = round(min(0.75, 0.3 + 1.5 * mean), 3)
    return out


def demo_employers() -> list[set[str]]:
    """The occupation codes each demo employer posts, over a few seeds of the demo generator (the codes
    drawn do not depend on the generator's `now`, which only dates the postings)."""
    from services.postings.demo.generator import generate

    out: list[set[str]] = []
    for seed in DEMO_SEEDS:
        by_employer: dict[str, set[str]] = defaultdict(set)
        for p in generate(n_postings=DEMO_POSTINGS, seed=seed).postings:
            if p.get("occupation_code"):
                by_employer[str(p["employer"]["name"])].add(str(p["occupation_code"]))
        out.extend(by_employer.values())
    return out


def employer_pairs(employers: Iterable[set[str]]) -> dict[Pair, float]:
    """Pair → weight for codes posted by the same employers far more often than chance."""
    known = occupation_table().index
    posting = [sorted(c for c in codes if c in known) for codes in employers]
    posting = [codes for codes in posting if len(codes) >= 2]
    single: dict[str, int] = defaultdict(int)
    both: dict[Pair, int] = defaultdict(int)
    for codes in posting:
        for c in codes:
            single[c] += 1
        for a, b in combinations(codes, 2):
            both[(a, b)] += 1
    n = len(posting)
    out: dict[Pair, float] = {}
    for (a, b), co in both.items():
        lift = co * n / (single[a] * single[b])
        if co >= EMPLOYER_MIN and lift >= EMPLOYER_LIFT:
            out[(a, b)] = 0.35 if lift < 2 * EMPLOYER_LIFT else 0.45
    return out


def build(examples: list[tuple[str, str]]) -> list[tuple[str, str, float, str]]:
    """(code_a, code_b, weight, source) rows, a < b, the stronger source kept for a pair."""
    best: dict[Pair, tuple[float, str]] = {}
    for source, pairs in zip(SOURCES, (title_pairs(examples), employer_pairs(demo_employers())), strict=True):
        for pair, weight in pairs.items():
            if pair not in best or weight > best[pair][0]:
                best[pair] = (weight, source)
    return [(a, b, w, s) for (a, b), (w, s) in sorted(best.items())]


def write(rows: list[tuple[str, str, float, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(("code_a", "code_b", "weight", "source"))
        out.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the learned related-occupation pairs")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / TABLE_FILE)
    args = parser.parse_args(argv)
    examples = training_examples()
    if not examples:
        print("the labelled dev titles are absent: the title pairs are left out")
    rows = build(examples)
    write(rows, args.out)
    counts = {s: sum(1 for r in rows if r[3] == s) for s in SOURCES}
    print(f"{len(rows)} pairs written to {args.out}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
