"""GET /v1/matches/explain: the match with its contributions, or every hard rule the posting fails."""

import math

import httpx

from tests.matching.serving.conftest import Feed, Token, register


async def test_an_eligible_posting_is_explained_by_its_contributions(
    client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    job = await feed.post("仓库装卸工", km=1.0)
    me = await register(client, token, "s-1")

    response = await client.get(f"/v1/matches/explain?seeker_id=s-1&posting_id={job['id']}", headers=me)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["eligible"], body["failed"]) == (True, [])
    match = body["match"]
    assert match["posting_id"] == job["id"]
    assert math.isclose(sum(match["contributions"].values()), match["score"], abs_tol=1e-9)
    assert match["reasons"][0] == {
        "zh": "离家1.0公里，乘公交约4分钟",
        "en": "1.0 km from home, about 4 min by bus",
    }


async def test_an_ineligible_posting_names_every_rule_it_fails_in_both_languages(
    client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    far_welding = await feed.post("电焊工", km=30.0, certificates=["welder"])
    me = await register(client, token, "s-1")

    body = (
        await client.get(f"/v1/matches/explain?seeker_id=s-1&posting_id={far_welding['id']}", headers=me)
    ).json()

    assert (body["eligible"], body["match"]) == (False, None)
    assert body["failed"] == [
        {"zh": "需要您尚未持有的证书", "en": "Needs a certificate you do not hold"},
        {"zh": "超出您的通勤范围", "en": "Beyond your commute limit"},
    ]


async def test_explain_is_for_the_seeker_and_staff_and_staff_reads_are_audited(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    job = await feed.post("仓库装卸工", km=1.0)
    me = await register(client, token, "s-1")
    other = await register(client, token, "s-2")
    url = f"/v1/matches/explain?seeker_id=s-1&posting_id={job['id']}"

    by_staff = await client.get(url, headers=staff)
    by_other = await client.get(url, headers=other)
    unknown = await client.get(
        "/v1/matches/explain?seeker_id=s-1&posting_id=00000000-0000-4000-8000-000000000000", headers=me
    )
    log = (await client.get("/v1/seekers/s-1/audit", headers=me)).json()["items"]

    assert by_staff.json()["eligible"] is True
    assert (by_other.status_code, unknown.status_code, unknown.json()["code"]) == (
        404,
        404,
        "posting_not_found",
    )
    assert [e["action"] for e in log] == ["read_explanation"]
