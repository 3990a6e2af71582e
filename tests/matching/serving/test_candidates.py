"""GET /v1/postings/{id}/candidates: the owner's view is masked, FA*IR lifts consented members without
saying so, and a change to a seeker (a withdrawn consent) counts from the next ranking on."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.ranking.fair import minimum_table
from services.matching.serving.config import FairnessSettings
from tests.matching.ranking.conftest import NOW, iso
from tests.matching.serving.conftest import OWNER, Feed, Token, make_member, register

P, ALPHA, K = 0.5, 0.1, 50
NEAR = [f"seeker-near-{n}" for n in range(8)]  # 0.5 to 4 km from the posting
MEMBERS = [f"seeker-member-{n}" for n in range(4)]  # 6 to 7.5 km: last in a plain score order


async def _crowd(client: httpx.AsyncClient, token: Token) -> dict[str, dict[str, str]]:
    headers = {}
    for n, seeker_id in enumerate(NEAR):
        headers[seeker_id] = await register(client, token, seeker_id, north_km=0.5 + n * 0.5)
    for n, seeker_id in enumerate(MEMBERS):
        headers[seeker_id] = await register(client, token, seeker_id, north_km=6.0 + n * 0.5)
        await make_member(client, headers[seeker_id], seeker_id)
    return headers


async def _candidates(client: httpx.AsyncClient, posting_id: str, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(f"/v1/postings/{posting_id}/candidates", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _members_by_prefix(items: list[dict[str, Any]]) -> list[int]:
    return list(itertools.accumulate(int(c["seeker_id"] in MEMBERS) for c in items))


async def test_the_owner_sees_masked_candidates_with_members_lifted_and_nothing_saying_who_they_are(
    app: FastAPI, client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    app.state.fairness_settings = FairnessSettings(p=P, alpha=ALPHA)
    job = await feed.post("仓库装卸工", km=0.0, certificates=["forklift"])
    await _crowd(client, token)
    for seeker_id in (*NEAR, *MEMBERS):  # the posting asks for a forklift licence: everyone has one
        await client.patch(
            f"/v1/seekers/{seeker_id}",
            json={"certificates": ["叉车证"]},
            headers=token("seeker", seeker_id) | {"If-Match": "*"},
        )

    owner = await _candidates(client, job["id"], token("employer", OWNER))
    # an admin sees every candidate's id; staff see only those they reach (the members live 6 km on,
    # in the next county: tests/security, "candidates")
    by_staff = await _candidates(client, job["id"], token("admin", "admin-1"))

    items = by_staff["items"]
    assert len(items) == 12
    need = minimum_table(K, P, ALPHA)
    assert all(c >= m for c, m in zip(_members_by_prefix(items), need, strict=False))
    assert items.index(next(c for c in items if c["seeker_id"] in MEMBERS)) < len(NEAR)  # lifted
    assert [c["handle"] for c in owner["items"]] == [c["handle"] for c in items]
    first = owner["items"][0]
    assert first["seeker_id"] is None
    assert first["handle"].startswith("c-")
    assert first["distance"] == {"max_km": 1.0, "zh": "1公里以内", "en": "within 1 km"}
    assert first["occupation"] == "装卸搬运工"
    assert first["certificates"] == [{"code": "forklift", "zh": "叉车证", "en": "forklift licence"}]
    assert first["reasons"][0] == {"zh": "住处距岗位1公里以内", "en": "Lives within 1 km"}
    text = (await client.get(f"/v1/postings/{job['id']}/candidates", headers=token("employer", OWNER))).text
    for leak in (
        "seeker-",
        "veteran",
        "priority",
        "group",
        "score",
        "contribution",
        "Lives about",
        "距岗位约",
    ):
        assert leak not in text, leak


async def test_a_withdrawn_consent_stops_priority_help_at_the_next_ranking(
    app: FastAPI, client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    app.state.fairness_settings = FairnessSettings(p=P, alpha=ALPHA)
    job = await feed.post("仓库装卸工", km=0.0)
    headers = await _crowd(client, token)
    lifted = (await _candidates(client, job["id"], token("admin", "admin-1")))["items"]

    for seeker_id in MEMBERS:
        gone = await client.delete(
            f"/v1/seekers/{seeker_id}/consents/sensitive_for_priority_help", headers=headers[seeker_id]
        )
        assert gone.status_code == 204
    plain = (await _candidates(client, job["id"], token("admin", "admin-1")))["items"]

    assert _members_by_prefix(lifted)[len(NEAR) - 1] > 0
    assert [c["seeker_id"] for c in plain] == [*NEAR, *MEMBERS]


async def test_a_seeker_who_withdraws_matching_leaves_the_pool_and_a_new_one_joins(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    job = await feed.post("仓库装卸工", km=0.0)
    first = await register(client, token, "seeker-a", north_km=1.0)
    before = await _candidates(client, job["id"], staff)

    await client.delete("/v1/seekers/seeker-a/consents/matching", headers=first)
    await register(client, token, "seeker-b", north_km=2.0)
    after = await _candidates(client, job["id"], staff)

    assert [c["seeker_id"] for c in before["items"]] == ["seeker-a"]
    assert [c["seeker_id"] for c in after["items"]] == ["seeker-b"]


async def test_only_the_owner_and_staff_see_a_postings_candidates(
    client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    job = await feed.post("仓库装卸工", km=0.0)
    await register(client, token, "seeker-a", north_km=1.0)

    other = await client.get(
        f"/v1/postings/{job['id']}/candidates", headers=token("employer", "someone-else")
    )
    seeker = await client.get(f"/v1/postings/{job['id']}/candidates", headers=token("seeker", "seeker-a"))
    unknown = await client.get(
        "/v1/postings/00000000-0000-4000-8000-000000000000/candidates", headers=token("admin", "a-1")
    )
    too_many = await client.get(
        f"/v1/postings/{job['id']}/candidates?top_k=101", headers=token("admin", "a-1")
    )

    assert (other.status_code, other.json()["code"]) == (404, "posting_not_found")
    assert seeker.status_code == 403
    assert unknown.status_code == 404
    assert too_many.status_code == 422


async def test_a_seeker_who_turns_18_joins_the_candidates_for_adult_work_in_their_birthday_month(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str], clock: ManualClock
) -> None:
    heavy = await feed.post(
        "仓库装卸工", km=0.0, physical_demand="heavy", valid_until=iso(NOW + timedelta(days=90))
    )
    await register(client, token, "seeker-adult", north_km=1.0)
    await register(client, token, "seeker-young", north_km=0.5, birth_year=2008, birth_month=12)  # 18 in Jan

    december = await _candidates(client, heavy["id"], staff)
    clock.set(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))  # 1 January 2027, 00:00 in China
    january = await _candidates(client, heavy["id"], staff)

    assert [c["seeker_id"] for c in december["items"]] == ["seeker-adult"]
    assert [c["seeker_id"] for c in january["items"]] == ["seeker-young", "seeker-adult"]


async def test_seekers_wanting_related_work_come_before_nearer_ones_wanting_other_work(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    job = await feed.post("叉车司机", km=0.0)
    await register(client, token, "seeker-cleaner", north_km=0.5, desired_text="保洁")
    await register(client, token, "seeker-welder", north_km=3.0, desired_text="电焊工")

    items = (await _candidates(client, job["id"], staff))["items"]

    assert [c["seeker_id"] for c in items] == ["seeker-welder", "seeker-cleaner"]
    assert [c["fit"]["kind"] for c in items] == ["related", "other"]
    assert items[0]["fit"]["zh"].startswith("想做相近的工作（与焊工相近：同属")
