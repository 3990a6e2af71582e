"""Related occupations: the CSCO hierarchy and the learned pairs spread a wish; every list says the fit."""

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from services.matching.ranking.candidates import rank_candidates
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.popular import popular_nearby
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.related import (
    NOTHING_CLOSE,
    NOTHING_EXACT,
    SAME_MAJOR,
    SAME_MEDIUM,
    SAME_MINOR,
    fit_notice,
    picked_wish,
    read_table,
    relatedness,
    wish_of,
)
from services.matching.ranking.text import TextEncoder
from tests.matching.ranking.conftest import HOME, NOW, posting, seeker

T = NOW.timestamp()
MakeRanker = Callable[[Sequence[dict[str, Any]]], Ranker]


def _reach(wished: str, code: str) -> float:
    rel = relatedness()
    index = rel.table.index
    return float(rel.reach(wish_of((), [index[wished]]))[index[code]])


def test_closeness_falls_from_the_same_code_through_minor_medium_and_major_group() -> None:
    welder = "6-18-02-04"  # 焊工

    assert _reach(welder, welder) == 1.0
    assert _reach(welder, "6-18-02-01") == pytest.approx(SAME_MINOR)  # 铸造工: the same minor group
    assert _reach(welder, "6-18-01-07") == pytest.approx(SAME_MEDIUM)  # 数控机床: the same medium group
    assert _reach(welder, "6-17-01-04") == pytest.approx(SAME_MAJOR)  # 烧结成品工: the same major group
    assert _reach(welder, "2-02-07-04") == 0.0  # 设备工程技术人员


def test_the_shipped_learned_pairs_relate_occupations_across_major_groups() -> None:
    across = [(a, b) for a, b, _, _ in read_table() if a[0] != b[0]]

    assert across
    a, b = across[0]
    assert _reach(a, b) > SAME_MAJOR
    assert _reach(b, a) == _reach(a, b)


def test_related_work_comes_before_nearer_unrelated_work_and_says_why(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([
        posting("仓库装卸工", km=0.5, occupation_code="4-02-05-01"),
        posting("叉车司机", km=4.0, occupation_code="6-30-05-01"),
    ])  # fmt: skip

    matches = ranker.rank(seeker(desired_text="", occupation_codes=("6-17-01-04",)), 5, now=T)

    assert [m.extra["fit"]["kind"] for m in matches] == ["related", "other"]  # type: ignore[index]
    assert matches[0].extra["fit"]["zh"] == "与烧结成品工相近：同属生产制造及有关人员"  # type: ignore[index]
    assert matches[0].extra["fit"]["en"].startswith("Close to 烧结成品工")  # type: ignore[index]
    assert any(r.zh.startswith("与烧结成品工相近") for r in matches[0].reasons)


def test_the_wished_work_is_exact_and_comes_first(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting("叉车司机", km=2.0), posting("焊工", km=4.0)])

    matches = ranker.rank(seeker(desired_text="电焊工"), 5, now=T)

    assert [m.extra["fit"]["kind"] for m in matches] == ["exact", "related"]  # type: ignore[index]
    assert fit_notice([m.extra["fit"] for m in matches]) is None


def test_without_a_wish_there_is_no_fit_and_no_notice(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting("叉车司机", km=2.0)])

    matches = ranker.rank(seeker(desired_text=""), 5, now=T)

    assert [m.extra["fit"] for m in matches] == [None]
    assert fit_notice([m.extra["fit"] for m in matches]) is None


def test_the_notice_says_when_nothing_shown_is_the_wished_work(make_ranker: MakeRanker) -> None:
    related = make_ranker([posting("叉车司机", km=2.0)]).rank(seeker(desired_text="焊工"), 5, now=T)
    unrelated = make_ranker([posting("保洁员", km=2.0)]).rank(seeker(desired_text="焊工"), 5, now=T)

    assert fit_notice([m.extra["fit"] for m in related]) == NOTHING_EXACT
    assert NOTHING_EXACT.zh == "附近暂无您想做的工作，以下是相近的岗位"
    assert fit_notice([m.extra["fit"] for m in unrelated]) == NOTHING_CLOSE


def test_an_employer_sees_seekers_wanting_related_work_before_those_wanting_other_work(
    encoder: TextEncoder,
) -> None:
    people = [
        seeker(seeker_id="cleaner", desired_text="保洁员"),
        seeker(seeker_id="welder", desired_text="焊工"),
    ]

    found = rank_candidates(posting("叉车司机", km=1.0), people, 5, encoder=encoder, now=T)

    assert [c.seeker_id for c in found] == ["welder", "cleaner"]
    assert found[0].reasons[1].zh.startswith("想做相近的工作（与焊工相近")


def test_the_non_personalised_list_puts_work_related_to_picked_codes_first(encoder: TextEncoder) -> None:
    index = PostingIndex(encoder)
    index.build([
        posting("仓库装卸工", km=0.5, posting_id="near", occupation_code="4-02-05-01"),
        posting("叉车司机", km=3.0, posting_id="related", occupation_code="6-30-05-01"),
    ])  # fmt: skip
    wish = picked_wish(encoder.table.index, ["6-18-02-04"])

    listed = popular_nearby(index, *HOME, k=5, now=T, wish=wish)

    assert [m.posting_id for m in listed] == ["related", "near"]
    assert [m.extra["fit"]["kind"] for m in listed] == ["related", "other"]  # type: ignore[index]
    assert all(abs(m.score - sum(c.value for c in m.contributions)) < 1e-9 for m in listed)


def test_every_related_pair_is_named_even_where_a_group_level_is_missing() -> None:
    rel = relatedness()
    index = rel.table.index
    director = index["1-06-01-01"]  # 企业董事: its minor group 1-06-01 has no row of its own

    assert rel.why(director, index["1-06-01-02"]).zh == "与企业董事相近：同属企事业单位负责人"
    assert all(rel.why(director, b).zh for b in range(rel.table.size) if rel.matrix[director, b] > 0)
