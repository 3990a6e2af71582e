"""Stage 1: every hard rule keeps out exactly the postings it should."""

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from services.matching.contracts import WeeklyWindow
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.rules import DETOUR_FACTOR, commute_radius_km
from tests.matching.ranking.conftest import NOW, iso, posting, seeker, shift

MakeRanker = Callable[[Sequence[dict[str, Any]]], Ranker]
MONDAY_8_CN = NOW + timedelta(days=6, hours=-2)  # NOW is Tuesday 10:00 in Shanghai: next Monday 08:00


def ids(ranker: Ranker, **fields: Any) -> set[str]:
    return {m.posting_id for m in ranker.rank(seeker(**fields), 50)}


def test_closed_posting_is_not_indexed(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="open"), posting(posting_id="closed", status="closed")])
    assert ids(ranker) == {"open"}


def test_expired_posting_is_not_matched(make_ranker: MakeRanker) -> None:
    expired = posting(posting_id="old", valid_until=iso(NOW - timedelta(minutes=1)))
    assert ids(make_ranker([expired, posting(posting_id="new")])) == {"new"}


def test_job_without_a_free_place_is_not_matched(make_ranker: MakeRanker) -> None:
    full = posting(posting_id="full", headcount=2, filled=2)
    assert ids(make_ranker([full, posting(posting_id="free")])) == {"free"}


def test_commute_limit_is_travel_minutes_by_mode_with_detour(make_ranker: MakeRanker) -> None:
    radius = commute_radius_km("bus", 45)  # 18 km/h × 0.75 h / 1.3
    inside = posting(posting_id="inside", km=radius - 0.05)
    outside = posting(posting_id="outside", km=radius + 0.05)
    assert ids(make_ranker([inside, outside]), travel_mode="bus", max_commute_minutes=45) == {"inside"}


def test_walking_seeker_reaches_less_far_than_by_car(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="near", km=1.0), posting(posting_id="far", km=8.0)])
    assert ids(ranker, travel_mode="walk", max_commute_minutes=30) == {"near"}
    assert ids(ranker, travel_mode="car", max_commute_minutes=30) == {"near", "far"}


def test_travel_minutes_use_the_detour_factor(make_ranker: MakeRanker) -> None:
    match = make_ranker([posting(km=2.0)]).rank(seeker(travel_mode="walk", max_commute_minutes=60))[0]
    assert match.extra["travel_minutes"] == round(2.0 * DETOUR_FACTOR / 4.5 * 60, 1)


def test_gig_shift_inside_availability_in_shanghai_time_is_matched(make_ranker: MakeRanker) -> None:
    gig = posting(posting_id="gig", kind="gig", shifts=[shift(MONDAY_8_CN, hours=4)])
    monday_morning = (WeeklyWindow(0, 8 * 60, 12 * 60),)
    assert ids(make_ranker([gig]), availability=monday_morning) == {"gig"}


def test_gig_shift_outside_availability_is_not_matched(make_ranker: MakeRanker) -> None:
    gig = posting(posting_id="gig", kind="gig", shifts=[shift(MONDAY_8_CN, hours=4)])
    monday_afternoon = (WeeklyWindow(0, 13 * 60, 18 * 60),)
    assert ids(make_ranker([gig]), availability=monday_afternoon) == set()


def test_empty_availability_means_any_time(make_ranker: MakeRanker) -> None:
    gig = posting(posting_id="gig", kind="gig", shifts=[shift(MONDAY_8_CN + timedelta(hours=14))])
    assert ids(make_ranker([gig]), availability=()) == {"gig"}


def test_shift_over_midnight_fits_adjacent_windows(make_ranker: MakeRanker) -> None:
    evening = MONDAY_8_CN + timedelta(hours=12)  # Monday 20:00 to Tuesday 02:00
    gig = posting(posting_id="gig", kind="gig", shifts=[shift(evening, hours=6)])
    windows = (WeeklyWindow(0, 18 * 60, 24 * 60), WeeklyWindow(1, 0, 3 * 60))
    assert ids(make_ranker([gig]), availability=windows) == {"gig"}


def test_past_full_and_cancelled_shifts_do_not_count(make_ranker: MakeRanker) -> None:
    shifts = [
        shift(NOW - timedelta(hours=1)),
        shift(NOW + timedelta(days=1), headcount=2, filled=2),
        shift(NOW + timedelta(days=2), status="cancelled"),
    ]
    assert ids(make_ranker([posting(kind="gig", shifts=shifts)])) == set()


def test_required_certificate_must_be_held(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting("电焊工", posting_id="weld", certificates=["welder"])])
    assert ids(ranker) == set()
    assert ids(ranker, certificates=frozenset({"焊工证"})) == {"weld"}


def test_every_required_certificate_must_be_held(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting("厨师", posting_id="cook", certificates=["health", "chef"])])
    assert ids(ranker, certificates=frozenset({"health"})) == set()
    assert ids(ranker, certificates=frozenset({"health", "chef"})) == {"cook"}


def test_reserved_post_only_for_the_certified(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting("保洁员", posting_id="welfare", flags=["public_welfare"])])
    assert ids(ranker) == set()
    assert ids(ranker, reserved_post_eligible=True) == {"welfare"}


def test_nobody_under_16_gets_matches(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="light", physical_demand="sedentary")])
    assert ids(ranker, age=15) == set()
    assert ids(ranker, age=16) == {"light"}


def test_minors_are_kept_from_heavy_work(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="heavy", physical_demand="heavy"), posting(posting_id="light")])
    assert ids(ranker, age=17) == {"light"}
    assert ids(ranker, age=18) == {"heavy", "light"}


def test_minors_are_kept_from_occupations_forbidden_to_them(make_ranker: MakeRanker) -> None:
    guard = posting("保安", posting_id="guard", occupation_code="4-07-05-01")
    assert ids(make_ranker([guard]), age=17) == set()


def test_minors_are_kept_from_postings_that_ask_for_adults(make_ranker: MakeRanker) -> None:
    adults = posting(posting_id="adults", description="要求年满18周岁，身体健康")
    assert ids(make_ranker([adults]), age=17) == set()
    assert ids(make_ranker([adults]), age=18) == {"adults"}


def test_minors_are_kept_from_night_shifts(make_ranker: MakeRanker) -> None:
    night = MONDAY_8_CN + timedelta(hours=14)  # Monday 22:00
    gig = posting(posting_id="night", kind="gig", shifts=[shift(night, hours=4)])
    assert ids(make_ranker([gig]), age=17) == set()
    assert ids(make_ranker([gig]), age=19) == {"night"}


def test_minor_still_gets_the_day_shifts_of_a_gig(make_ranker: MakeRanker) -> None:
    gig = posting(
        posting_id="gig", kind="gig", shifts=[shift(MONDAY_8_CN + timedelta(hours=14)), shift(MONDAY_8_CN)]
    )
    match = make_ranker([gig]).rank(seeker(age=17))[0]
    assert match.shift_ids == (gig["shifts"][1]["id"],)


def test_kinds_wanted_limit_jobs_and_gigs(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="job"), posting(posting_id="gig", kind="gig")])
    assert ids(ranker, kinds=frozenset({"job"})) == {"job"}
    assert ids(ranker, kinds=frozenset({"gig"})) == {"gig"}


def test_rank_kind_argument_narrows_what_the_seeker_wants(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="job"), posting(posting_id="gig", kind="gig")])
    assert {m.posting_id for m in ranker.rank(seeker(), kinds={"gig"})} == {"gig"}


def test_explain_names_every_rule_a_posting_fails(make_ranker: MakeRanker) -> None:
    far_weld = posting("电焊工", posting_id="w", km=30, certificates=["welder"], flags=["public_welfare"])
    explained = make_ranker([far_weld]).explain(seeker(), "w")
    assert not explained.eligible
    assert [r.en for r in explained.failed] == [
        "Needs a certificate you do not hold",
        "A public-welfare post, reserved for certified people",
        "Beyond your commute limit",
    ]


def test_explain_gives_the_match_of_an_eligible_posting(make_ranker: MakeRanker) -> None:
    ranker = make_ranker([posting(posting_id="a")])
    explained = ranker.explain(seeker(), "a")
    assert explained.eligible
    assert explained.match == ranker.rank(seeker())[0]
