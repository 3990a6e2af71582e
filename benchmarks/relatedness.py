"""Related occupations against the real postings: do employers post related codes together more often?

`python -m benchmarks.relatedness` codes every real posting's title with the service's coder (its best
code), groups codes by company, and reports for each kind of pair — same minor group, same medium group,
same major group only, learned from titles, learned from the demo employers, unrelated — how many pairs
of codes that both occur there are posted by at least one company together, and that rate's lift over
unrelated pairs. It measures `services/matching/ranking/related.py`; nothing read here is written
anywhere (the file has no licence). Skips cleanly when the file is absent.
"""

import csv
import gzip
import io
import json
from collections import defaultdict
from itertools import combinations
from typing import Any

from services.matching.occupations.store import shared_data
from services.matching.ranking.related import SAME_MAJOR, SAME_MEDIUM, SAME_MINOR, relatedness

REAL = shared_data() / "postings" / "real_postings.csv.gz"
MIN_POSTINGS = 3  # a code counts where it is the best code of at least this many postings


def companies() -> dict[str, set[str]]:
    """Company → the coder's best codes of its postings' titles."""
    from services.matching.occupations import default_coder

    with gzip.open(REAL, "rt", encoding="utf-8") as fh:
        rows = [(r["company"], r["title"]) for r in csv.DictReader(io.StringIO(fh.read())) if r["company"]]
    titles = list(dict.fromkeys(t for _, t in rows))
    best = {t: p[0][0] for t, p in zip(titles, default_coder().predict(titles, 1), strict=True) if p}
    out: dict[str, set[str]] = defaultdict(set)
    for company, title in rows:
        if title in best:
            out[company].add(best[title])
    return out


def kind_of(a: int, b: int) -> str:
    rel = relatedness()
    learned = rel.learned.get((a, b))
    hierarchy = float(rel.hierarchy[a, b])
    if learned is not None and learned[0] > hierarchy:
        return f"learned_{learned[1]}"
    for name, level in (("same_minor", SAME_MINOR), ("same_medium", SAME_MEDIUM), ("same_major", SAME_MAJOR)):
        if abs(hierarchy - level) < 1e-6:
            return name
    return "unrelated"


def run() -> dict[str, Any]:
    if not REAL.is_file():
        return {"skipped": f"real postings absent ({REAL})"}
    index = relatedness().table.index
    by_company = companies()
    count: dict[str, int] = defaultdict(int)
    for codes in by_company.values():
        for c in codes:
            count[c] += 1
    present = sorted(c for c, n in count.items() if n >= MIN_POSTINGS and c in index)
    together: set[tuple[str, str]] = set()
    for codes in by_company.values():
        together.update(combinations(sorted(c for c in codes if c in count and count[c] >= MIN_POSTINGS), 2))
    pairs: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a, b in combinations(present, 2):
        kind = kind_of(index[a], index[b])
        pairs[kind][0] += 1
        pairs[kind][1] += (a, b) in together
    base = pairs["unrelated"][1] / max(1, pairs["unrelated"][0])
    return {
        "companies": len(by_company),
        "codes": len(present),
        "kinds": {
            k: {
                "pairs": n,
                "co_posted": c,
                "rate": round(c / n, 4),
                "lift": round(c / n / base, 2) if base else None,
            }
            for k, (n, c) in sorted(pairs.items())
        },
    }


def main() -> dict[str, Any]:
    return run()


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
