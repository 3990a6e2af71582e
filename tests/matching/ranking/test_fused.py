"""The compiled pass over the commute box (fused.py) leaves the ranking exactly as the numpy path makes it."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from services.matching.contracts import Match, SeekerQuery
from services.matching.occupations.meaning import Embeddings
from services.matching.ranking import fused, synthetic
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder
from tests.matching.ranking.conftest import NOW, CountingEngine, keyword_predictor


def _index(encoder: TextEncoder) -> PostingIndex:
    """6,000 synthetic postings (30 % gigs with shifts): most sorted by cell, 600 in the unsorted tail,
    50 removed, 1 in 20 with no date to be fresh by (its freshness is the unknown value)."""
    index = PostingIndex(encoder)
    snapshots = list(synthetic.postings(6000, seed=21, now=NOW))
    for snap in snapshots[::20]:
        snap["published_at"] = snap["updated_at"] = None
    index.build(snapshots[:5400])
    for snap in snapshots[5400:]:
        index.upsert(snap)
    for snap in snapshots[:5400:108]:
        index.remove(str(snap["id"]))
    return index


def _seekers(n: int = 250) -> list[SeekerQuery]:
    """Synthetic seekers (picked codes, week windows, 16-17 year olds, certificates, accommodations, one
    kind only, pay expectations), with long commutes."""
    return [
        replace(q, max_commute_minutes=q.max_commute_minutes * 3)
        for q in synthetic.seekers(n, seed=22, now=NOW)
    ]


@contextmanager
def boxes_from(rows: int) -> Iterator[None]:
    """The compiled pass for boxes of at least `rows` rows (1: every box; 2**62: none, the numpy path)."""
    saved, fused.MIN_ROWS = fused.MIN_ROWS, rows
    try:
        yield
    finally:
        fused.MIN_ROWS = saved


def numpy_path() -> AbstractContextManager[None]:
    return boxes_from(1 << 62)


@pytest.fixture(autouse=True)
def every_box() -> Iterator[None]:
    """These postings are spread over the province, so their boxes are small: compile for all of them."""
    with boxes_from(1):
        yield


def _ranked(ranker: Ranker, queries: list[SeekerQuery], k: int) -> list[list[Match]]:
    return [ranker.rank(q, k) for q in queries]


@pytest.mark.parametrize("k", [1, 20, 100])
def test_the_compiled_pass_gives_the_numpy_paths_matches(k: int) -> None:
    ranker = Ranker(_index(TextEncoder(keyword_predictor)))
    queries = _seekers()
    compiled = _ranked(ranker, queries, k)
    with numpy_path():
        plain = _ranked(ranker, queries, k)
    assert sum(1 for m in plain if m) > 0.9 * len(queries)
    assert compiled == plain


def test_the_compiled_pass_gives_the_exact_scorers_top20() -> None:
    ranker = Ranker(_index(TextEncoder(keyword_predictor)))
    queries = _seekers(150)
    exact = [[(m.posting_id, m.score) for m in ranker.rank(q, 20, prune=False, bound=False)] for q in queries]
    assert [[(m.posting_id, m.score) for m in ranker.rank(q, 20)] for q in queries] == exact


def test_the_compiled_pass_weighs_the_meaning_factor_as_the_numpy_path(tmp_path: Path) -> None:
    store = Embeddings(tmp_path / "meaning.sqlite", CountingEngine())
    ranker = Ranker(_index(TextEncoder(keyword_predictor, meaning=store)))
    queries = _seekers(120)
    compiled = _ranked(ranker, queries, 20)
    assert any(c.factor == "meaning" and c.value > 0 for m in compiled for x in m for c in x.contributions)
    with numpy_path():
        assert _ranked(ranker, queries, 20) == compiled
