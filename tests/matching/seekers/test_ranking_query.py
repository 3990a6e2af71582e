"""What the ranking reads: a SeekerQuery from the profile, with sensitive facts only under consent."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.contracts import PayExpectation, WeeklyWindow
from services.matching.seekers.exceptions import SeekerNotFound
from services.matching.seekers.service import load_queries_for_ranking, query_for_ranking
from tests.matching.seekers.conftest import NOW, Token, grant, put_sensitive, register

SENSITIVE_CONSENT = "/v1/seekers/seeker-1/consents/sensitive_for_priority_help"


async def test_query_carries_the_profile(
    matching_client: httpx.AsyncClient, me: dict[str, str], session: AsyncSession
) -> None:
    await register(matching_client, me)

    query = await query_for_ranking(session, "seeker-1", NOW)

    assert (query.lat, query.lng, query.travel_mode, query.max_commute_minutes) == (
        35.8024,
        116.0958,
        "ebike",
        30,
    )
    assert query.desired_text == "焊工，会开叉车"
    assert query.occupation_codes == ("6-18-02-04",)
    assert query.availability == (WeeklyWindow(0, 480, 1080),)
    assert query.pay_expectation == PayExpectation(Decimal("200.00"), "day")
    assert query.certificates == frozenset({"welder"})
    assert query.accommodations == frozenset({"seated_work"})
    assert query.kinds == frozenset({"job", "gig"})
    assert (query.experience_years, query.now) == (5, NOW)


async def test_age_is_computed_from_birth_year_and_month(
    matching_client: httpx.AsyncClient, me: dict[str, str], session: AsyncSession
) -> None:
    await register(matching_client, me, birth_year=1975, birth_month=6)

    before = await query_for_ranking(session, "seeker-1", datetime(2026, 5, 31, 12, tzinfo=UTC))
    after = await query_for_ranking(session, "seeker-1", datetime(2026, 7, 1, 12, tzinfo=UTC))

    assert (before.age, after.age) == (50, 51)


async def test_without_the_sensitive_consent_no_priority_facts_are_used(
    matching_client: httpx.AsyncClient, me: dict[str, str], session: AsyncSession
) -> None:
    await register(matching_client, me)

    query = await query_for_ranking(session, "seeker-1", NOW)

    assert query.priority_groups == frozenset()
    assert query.reserved_post_eligible is False


async def test_under_consent_priority_groups_include_those_the_facts_imply(
    registered: dict[str, Any], session: AsyncSession
) -> None:
    query = await query_for_ranking(session, "seeker-1", NOW)

    assert query.priority_groups == frozenset({"older_worker_45_65", "disabled", "zero_employment_household"})


async def test_staff_certification_makes_the_seeker_eligible_for_reserved_posts(
    matching_client: httpx.AsyncClient,
    registered: dict[str, Any],
    staff: dict[str, str],
    session: AsyncSession,
) -> None:
    await put_sensitive(
        matching_client,
        staff | {"If-Match": '"seeker-1/sensitive.1"'},
        "seeker-1",
        reserved_post_certified=True,
    )

    query = await query_for_ranking(session, "seeker-1", NOW)

    assert query.reserved_post_eligible is True


async def test_withdrawal_takes_the_sensitive_facts_out_of_the_very_next_query(
    matching_client: httpx.AsyncClient,
    registered: dict[str, Any],
    staff: dict[str, str],
    me: dict[str, str],
    session: AsyncSession,
) -> None:
    await put_sensitive(
        matching_client,
        staff | {"If-Match": '"seeker-1/sensitive.1"'},
        "seeker-1",
        reserved_post_certified=True,
    )
    before = await query_for_ranking(session, "seeker-1", NOW)
    await session.rollback()  # end this session's snapshot, as a new request would

    await matching_client.delete(SENSITIVE_CONSENT, headers=me)
    after = await query_for_ranking(session, "seeker-1", NOW)

    assert before.priority_groups
    assert before.reserved_post_eligible
    assert after.priority_groups == frozenset()
    assert after.reserved_post_eligible is False


async def test_accommodations_asked_for_are_used_without_any_sensitive_consent(
    matching_client: httpx.AsyncClient, me: dict[str, str], session: AsyncSession
) -> None:
    await register(matching_client, me, accommodations=["step_free", "sign_language"])

    query = await query_for_ranking(session, "seeker-1", NOW)

    assert query.accommodations == frozenset({"step_free", "sign_language"})


async def test_a_county_only_home_queries_from_the_county_centroid(
    matching_client: httpx.AsyncClient, me: dict[str, str], session: AsyncSession
) -> None:
    await register(matching_client, me, home={"county_adcode": "370102"})

    query = await query_for_ranking(session, "seeker-1", NOW)

    assert (query.lat, query.lng) == (36.66645, 117.07641)


async def test_unknown_seeker_raises_seeker_not_found(session: AsyncSession) -> None:
    with pytest.raises(SeekerNotFound):
        await query_for_ranking(session, "nobody", NOW)


async def test_candidate_pool_holds_only_seekers_with_matching_consent(
    matching_client: httpx.AsyncClient, token: Token, session: AsyncSession
) -> None:
    for sub in ("a", "b", "c"):
        await register(matching_client, token("seeker", sub))
    await matching_client.delete("/v1/seekers/b/consents/matching", headers=token("seeker", "b"))

    pool = await load_queries_for_ranking(session, NOW)
    some = await load_queries_for_ranking(session, NOW, ["a", "b"])

    assert [q.seeker_id for q in pool] == ["a", "c"]
    assert [q.seeker_id for q in some] == ["a"]


async def test_candidate_pool_applies_consent_per_seeker(
    matching_client: httpx.AsyncClient, token: Token, session: AsyncSession
) -> None:
    for sub in ("a", "b"):
        headers = token("seeker", sub)
        await register(matching_client, headers, birth_year=1975, birth_month=6 if sub == "a" else 7)
        await grant(matching_client, headers, sub, "sensitive_for_priority_help")
    await put_sensitive(matching_client, token("seeker", "a"), "a")
    await put_sensitive(matching_client, token("seeker", "b"), "b", id_number=None)
    await matching_client.delete(
        "/v1/seekers/b/consents/sensitive_for_priority_help", headers=token("seeker", "b")
    )

    pool = {q.seeker_id: q for q in await load_queries_for_ranking(session, NOW)}

    assert "disabled" in pool["a"].priority_groups
    assert pool["b"].priority_groups == frozenset()
