"""The showcase on the demo data: the bannered seeker's place, wishing work the demo has none of nearby."""

import dataclasses
from datetime import datetime
from typing import Any

from services.matching.demo import showcase
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.related import NOTHING_EXACT, fit_notice
from services.matching.ranking.text import TextEncoder
from services.postings.demo.generator import generate
from services.reference.occupations import occupations
from tests.matching.ranking.conftest import NOW, posting, seeker, shift

PREFERRED = "6-17-01-04"  # 烧结成品工, what demo-seeker-0000 wants


def demo_snapshots() -> list[dict[str, Any]]:
    """`lingong serve --demo`'s postings (seed 7) as the feed's snapshots."""
    out = []
    for r in generate(3000, seed=7, now=NOW).postings:
        fields = {k: r[k] for k in ("title", "description", "occupation_code", "location", "pay", "headcount",
                                    "kind", "physical_demand", "certificates")}  # fmt: skip
        if r["kind"] == "gig":
            starts = [
                (datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"]))
                for s in r["shifts"]
            ]
            fields["shifts"] = [shift(a, (b - a).total_seconds() / 3600, h["headcount"])
                                for (a, b), h in zip(starts, r["shifts"], strict=True)]  # fmt: skip
            fields["booking"] = "instant"
        out.append(posting(**fields))
    return out


def absent_production_work(snapshots: list[dict[str, Any]]) -> str:
    """烧结成品工 unless the demo posts it; then another production occupation it does not post."""
    posted = {s["occupation_code"] for s in snapshots}
    if PREFERRED not in posted:
        return PREFERRED
    return next(c for c, o in occupations().items() if o.level == 4 and c[0] == "6" and c not in posted)


def test_the_showcase_seeker_sees_at_least_8_related_postings_in_the_top_10(encoder: TextEncoder) -> None:
    snapshots = demo_snapshots()
    index = PostingIndex(encoder)
    index.build(snapshots)
    wished = absent_production_work(snapshots)
    # The showcase seeker's place and reach, wishing work the demo does not post (their own wish is posted).
    query = dataclasses.replace(showcase(seeker()), desired_text="", occupation_codes=(wished,))

    matches = Ranker(index).rank(query, 10, now=NOW.timestamp())
    fits = [m.extra["fit"] for m in matches]

    assert len(matches) == 10
    assert sum(f["kind"] in ("exact", "related") for f in fits if isinstance(f, dict)) >= 8
    assert fit_notice(fits) == NOTHING_EXACT
