"""The posting index: upserts, removals, compaction, and grid pruning that loses nothing."""

import math
import random
from dataclasses import replace
from datetime import timedelta

import numpy as np

from services.matching.ranking import grid, synthetic
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder
from services.reference.geo import haversine_km
from tests.matching.ranking.conftest import NOW, iso, posting, seeker


def ranked(ranker: Ranker, k: int = 50) -> list[str]:
    return [m.posting_id for m in ranker.rank(seeker(), k)]


def test_upsert_makes_a_new_posting_matchable(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build([])
    index.upsert(posting(posting_id="new"))
    assert ranked(Ranker(index)) == ["new"]


def test_upsert_replaces_the_previous_version(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build([posting(posting_id="a", km=1)])
    index.upsert(posting(posting_id="a", km=60))
    assert ranked(Ranker(index)) == []
    assert len(index) == 1


def test_upsert_in_the_same_cell_rewrites_the_row(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build([posting(posting_id="a", headcount=1)])
    rows = index.rows
    index.upsert(posting(posting_id="a", headcount=5, title="保洁员"))
    assert index.rows == rows
    assert Ranker(index).rank(seeker(desired_text="保洁"))[0].reasons[1].zh.endswith("保洁员")


def test_upsert_of_a_closed_posting_removes_it(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build([posting(posting_id="a"), posting(posting_id="b")])
    index.upsert(posting(posting_id="a", status="closed"))
    assert ranked(Ranker(index)) == ["b"]
    assert "a" not in index


def test_a_batch_of_feed_events_applies_in_order(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build([posting(posting_id="a"), posting(posting_id="b")])
    index.upsert_many(
        [
            posting(posting_id="c", km=2),
            posting(posting_id="a", status="closed"),
            posting(posting_id="c", km=3),
            posting(posting_id="b", km=50),
        ]
    )
    assert ranked(Ranker(index)) == ["c"]
    assert Ranker(index).rank(seeker())[0].extra["distance_km"] == 3.0


def test_remove_makes_a_posting_unmatchable(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build([posting(posting_id="a"), posting(posting_id="b")])
    assert index.remove("a")
    assert not index.remove("a")
    assert ranked(Ranker(index)) == ["b"]


def test_compaction_changes_no_result(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    snapshots = list(synthetic.postings(1500, seed=7, now=NOW))
    index.build(snapshots[:1000])
    rng = random.Random(8)
    for snap in snapshots[1000:]:
        index.upsert(snap)
    for snap in rng.sample(snapshots[:1000], 200):
        index.remove(snap["id"])
    ranker = Ranker(index)
    queries = synthetic.seekers(50, seed=9, now=NOW)
    before = [[(m.posting_id, m.score) for m in ranker.rank(q, 20)] for q in queries]
    index.compact()
    assert index.rows == len(index) == 1300
    assert before == [[(m.posting_id, m.score) for m in ranker.rank(q, 20)] for q in queries]


def test_many_upserts_trigger_compaction(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build([])
    for snap in synthetic.postings(5000, seed=10, now=NOW):
        index.upsert(snap)
    assert index.compactions >= 1
    assert index.rows - index.sorted_end <= 4096


def test_a_posting_moved_out_of_its_cell_is_found_in_the_tail(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build([posting(posting_id=f"p{i}", km=40 + i) for i in range(20)])
    index.upsert(posting(posting_id="p3", km=1))
    assert index.row("p3") is not None
    assert index.row("p3") >= index.sorted_end
    assert ranked(Ranker(index)) == ["p3"]


def test_pruned_top20_equals_the_exact_scorer(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    snapshots = list(synthetic.postings(6000, seed=11, now=NOW))
    index.build(snapshots[:5000])
    for snap in snapshots[5000:]:  # leave some rows in the unsorted tail
        index.upsert(snap)
    ranker = Ranker(index)
    hits = total = 0
    for q in synthetic.seekers(300, seed=12, now=NOW):
        q = replace(q, max_commute_minutes=q.max_commute_minutes * 2)
        exact = [m.posting_id for m in ranker.rank(q, 20, prune=False)]
        pruned = {m.posting_id for m in ranker.rank(q, 20)}
        hits += sum(1 for p in exact if p in pruned)
        total += len(exact)
    assert total > 1000
    assert hits / total >= 0.99


def test_score_bound_changes_no_top20(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build(synthetic.postings(5000, seed=15, now=NOW))
    ranker = Ranker(index)
    for q in synthetic.seekers(200, seed=16, now=NOW):
        q = replace(q, max_commute_minutes=90)
        exact = [(m.posting_id, m.score) for m in ranker.rank(q, 20, bound=False)]
        assert [(m.posting_id, m.score) for m in ranker.rank(q, 20)] == exact


def test_grid_box_holds_every_point_of_the_circle() -> None:
    rng = np.random.default_rng(13)
    for _ in range(200):
        lat, lng = rng.uniform(34.4, 38.3), rng.uniform(114.8, 122.7)
        radius = float(rng.uniform(0.5, 40))
        bearing = rng.uniform(0, 2 * math.pi, 500)
        dist = radius * np.sqrt(rng.uniform(0, 1, 500))
        dlat = dist * np.cos(bearing) / 111.195
        dlng = dist * np.sin(bearing) / (111.195 * np.cos(np.radians(lat)))
        points = grid.cells(lat + dlat, lng + dlng)
        lo, hi = grid.cell_ranges(lat, lng, radius)
        inside = np.zeros(len(points), dtype=bool)
        for a, b in zip(lo, hi, strict=True):
            inside |= (points >= a) & (points <= b)
        assert inside.all()


def test_vectorised_distance_agrees_with_the_reference() -> None:
    rng = np.random.default_rng(14)
    lat, lng = rng.uniform(34, 38, 100), rng.uniform(115, 122, 100)
    lat0, lng0 = 36.65, 117.12
    got = grid.km_of_chord2(grid.chord2_rows(grid.point_xyz(lat0, lng0), *grid.unit_xyz(lat, lng)))
    want = [haversine_km(lat0, lng0, a, b) for a, b in zip(lat, lng, strict=True)]
    assert np.allclose(got, want, rtol=0, atol=1e-9)


def test_build_keeps_the_last_version_of_a_duplicate(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build(
        [
            posting(posting_id="a", km=1),
            posting(posting_id="a", km=80, valid_until=iso(NOW + timedelta(days=2))),
        ]
    )
    assert len(index) == 1
    assert ranked(Ranker(index)) == []
