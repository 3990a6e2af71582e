"""The non-personalised list: open postings nearby, for anyone."""

import math
from datetime import timedelta

from services.matching.ranking.index import PostingIndex
from services.matching.ranking.popular import POPULAR_FACTORS, popular_nearby
from services.matching.ranking.text import TextEncoder
from tests.matching.ranking.conftest import HOME, NOW, posting, shift

T = NOW.timestamp()


def index_of(encoder: TextEncoder, snapshots: list[dict[str, object]]) -> PostingIndex:
    index = PostingIndex(encoder)
    index.build(snapshots)  # type: ignore[arg-type]
    return index


def test_nearest_open_postings_come_first(encoder: TextEncoder) -> None:
    index = index_of(encoder, [posting(posting_id="far", km=4), posting(posting_id="near", km=0.5)])
    assert [m.posting_id for m in popular_nearby(index, *HOME, k=5, now=T)] == ["near", "far"]


def test_reserved_posts_are_left_out(encoder: TextEncoder) -> None:
    index = index_of(
        encoder, [posting(posting_id="welfare", flags=["public_welfare"]), posting(posting_id="a")]
    )
    assert [m.posting_id for m in popular_nearby(index, *HOME, k=5, now=T)] == ["a"]


def test_gigs_without_a_bookable_shift_are_left_out(encoder: TextEncoder) -> None:
    gone = posting(posting_id="gone", kind="gig", shifts=[shift(NOW - timedelta(days=1))])
    index = index_of(encoder, [gone, posting(posting_id="gig", kind="gig")])
    assert [m.posting_id for m in popular_nearby(index, *HOME, k=5, now=T)] == ["gig"]


def test_the_radius_widens_until_k_are_found(encoder: TextEncoder) -> None:
    index = index_of(encoder, [posting(posting_id="a", km=1), posting(posting_id="b", km=30)])
    assert [m.posting_id for m in popular_nearby(index, *HOME, k=2, now=T)] == ["a", "b"]
    assert [m.posting_id for m in popular_nearby(index, *HOME, k=1, now=T)] == ["a"]


def test_popular_results_carry_contributions_that_sum_to_the_score(encoder: TextEncoder) -> None:
    index = index_of(encoder, [posting(km=i / 2, applicants=i) for i in range(10)])
    for m in popular_nearby(index, *HOME, k=10, now=T):
        assert [c.factor for c in m.contributions] == list(POPULAR_FACTORS)
        assert math.isclose(sum(c.value for c in m.contributions), m.score, rel_tol=0, abs_tol=1e-9)
        assert m.extra["personalised"] is False
        assert m.reasons[0].en.endswith("km away")
