"""Text features: hashed character n-grams and occupation distributions as unit rows."""

import numpy as np

from services.matching.ranking.lexical import Lexical, hashed_terms
from services.matching.ranking.text import TextEncoder


def test_terms_are_characters_and_adjacent_pairs() -> None:
    doc, bucket, count = hashed_terms(["焊工焊工", "a b"])
    assert sorted(doc.tolist()) == [0, 0, 0, 0, 1, 1]  # 焊 工 焊工 工焊 | a b
    assert count[doc == 0].sum() == 4 + 3


def test_punctuation_and_digits_break_pairs() -> None:
    _, with_break, _ = hashed_terms(["焊,工"])
    _, plain, _ = hashed_terms(["焊工"])
    assert len(with_break) == 2
    assert len(plain) == 3


def test_rows_are_unit_vectors_of_the_heaviest_terms() -> None:
    lex = Lexical(width=4)
    lex.fit(["仓库装卸工", "保洁员", "电焊工"], [])
    ids, w = lex.rows(["仓库装卸工", "保洁员"], ["", ""])
    assert ids.shape == (2, 4)
    assert np.allclose((w.astype(np.float64) ** 2).sum(axis=1), 1.0, atol=1e-6)


def test_same_text_has_cosine_one(encoder: TextEncoder) -> None:
    encoder.fit(["电焊工", "保洁员"], [])
    rows = encoder.encode_rows(["电焊工"], [""], [-1])
    q = encoder.encode_query("电焊工", ())
    dense = dict(zip(q.lex_ids.tolist(), q.lex_w.tolist(), strict=True))
    lex = sum(
        dense.get(i, 0.0) * w for i, w in zip(rows.lex[0].tolist(), rows.lex_w[0].tolist(), strict=True)
    )
    occ = float((q.occ[rows.occ[0]] * rows.occ_w[0]).sum())
    assert abs(lex - 1.0) < 1e-6
    assert abs(occ - 1.0) < 1e-6


def test_a_picked_code_weighs_half_of_the_seekers_distribution(encoder: TextEncoder) -> None:
    q = encoder.encode_query("保洁", ("6-18-02-04",))
    table = encoder.table
    welder, cleaner = table.index["6-18-02-04"], table.index["4-09-08-01"]
    assert q.occ[welder] == q.occ[cleaner] > 0
    assert q.explicit == frozenset({welder})


def test_predictions_are_cached_by_text() -> None:
    calls: list[list[str]] = []

    def predictor(texts: list[str]) -> list[list[tuple[str, float]]]:  # type: ignore[type-arg]
        calls.append(list(texts))
        return [[("4-09-08-01", 1.0)] for _ in texts]

    encoder = TextEncoder(predictor)  # type: ignore[arg-type]
    encoder.encode_rows(["保洁", "保洁", "保安"], ["", "", ""], [-1, -1, -1])
    encoder.encode_rows(["保洁"], [""], [-1])
    assert calls == [["保安", "保洁"]]
