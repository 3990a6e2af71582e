"""GET /v1/seekers/{id}/matches: contributions that add up, reasons in both languages, filters, access."""

import math
from datetime import timedelta

import httpx

from tests.matching.ranking.conftest import NOW, shift
from tests.matching.serving.conftest import Feed, Token, register


async def test_a_seekers_matches_carry_contributions_summing_to_the_score_and_reasons_in_both_languages(
    client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    near = await feed.post("仓库装卸工", km=1.0)
    far = await feed.post("仓库装卸工", km=6.0, pay={"min": "200", "max": "260", "unit": "day"})
    me = await register(client, token, "s-1")

    response = await client.get("/v1/seekers/s-1/matches", headers=me)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["personalised"] is True
    assert [m["posting_id"] for m in body["items"]] == [near["id"], far["id"]]
    for m in body["items"]:
        assert math.isclose(sum(m["contributions"].values()), m["score"], abs_tol=1e-9)
        assert set(m["contributions"]) >= {"occupation_fit", "distance", "pay", "congestion"}
        assert m["reasons"]
        assert all(r["zh"] and r["en"] for r in m["reasons"])
    top, second = body["items"]
    assert (top["title"], top["kind"], top["employer_name"]) == ("仓库装卸工", "job", "历下家政服务中心")
    assert top["pay"] == {"min": "25", "max": None, "unit": "hour"}
    assert second["pay"]["unit"] == "day"
    assert 0.9 < top["distance_km"] < 1.1
    assert top["reasons"][0]["en"].startswith("1.0 km from home")


async def test_kind_keeps_only_jobs_or_only_gigs(client: httpx.AsyncClient, feed: Feed, token: Token) -> None:
    job = await feed.post("仓库装卸工", km=1.0)
    gig = await feed.post(
        "装卸工（日结）",
        km=2.0,
        kind="gig",
        shifts=[shift(NOW + timedelta(days=1)), shift(NOW + timedelta(days=2))],
    )
    me = await register(client, token, "s-1")

    gigs = (await client.get("/v1/seekers/s-1/matches?kind=gig", headers=me)).json()
    jobs = (await client.get("/v1/seekers/s-1/matches?kind=job", headers=me)).json()

    assert [m["posting_id"] for m in gigs["items"]] == [gig["id"]]
    assert gigs["items"][0]["kind"] == "gig"
    assert sorted(gigs["items"][0]["shift_ids"]) == sorted(s["id"] for s in gig["shifts"])
    assert [m["posting_id"] for m in jobs["items"]] == [job["id"]]


async def test_top_k_over_the_cap_is_refused(client: httpx.AsyncClient, feed: Feed, token: Token) -> None:
    me = await register(client, token, "s-1")

    over = await client.get("/v1/seekers/s-1/matches?top_k=51", headers=me)
    zero = await client.get("/v1/seekers/s-1/matches?top_k=0", headers=me)
    at_cap = await client.get("/v1/seekers/s-1/matches?top_k=50", headers=me)

    assert (over.status_code, zero.status_code, at_cap.status_code) == (422, 422, 200)
    assert over.headers["content-type"] == "application/problem+json"


async def test_another_seekers_matches_are_not_found_and_employers_are_forbidden(
    client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    await register(client, token, "s-1")
    other = await register(client, token, "s-2")

    probe = await client.get("/v1/seekers/s-1/matches", headers=other)
    employer = await client.get("/v1/seekers/s-1/matches", headers=token("employer", "e-1"))
    nobody = await client.get("/v1/seekers/s-1/matches")

    assert (probe.status_code, probe.json()["code"]) == (404, "seeker_not_found")
    assert employer.status_code == 403
    assert nobody.status_code == 401


async def test_a_staff_read_of_matches_is_audited_and_the_seekers_own_is_not(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    await feed.post()
    me = await register(client, token, "s-1")

    own = await client.get("/v1/seekers/s-1/matches", headers=me)
    by_staff = await client.get("/v1/seekers/s-1/matches", headers=staff)
    missing = await client.get("/v1/seekers/nobody/matches", headers=staff)
    log = (await client.get("/v1/seekers/s-1/audit", headers=me)).json()["items"]

    assert (own.status_code, by_staff.status_code, missing.status_code) == (200, 200, 404)
    assert by_staff.json()["items"] == own.json()["items"]
    assert [(e["action"], e["actor_sub"], e["actor_station"], e["fields"]) for e in log] == [
        ("read_matches", "staff-li", "station-lixia-1", ["matches"])
    ]


async def test_related_work_comes_first_with_its_fit_named_and_a_notice_when_nothing_is_exact(
    client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    await feed.post("仓库装卸工", km=0.5)
    related = await feed.post("叉车司机", km=4.0)
    me = await register(client, token, "s-1", desired_text="电焊工")

    body = (await client.get("/v1/seekers/s-1/matches", headers=me)).json()

    assert [m["fit"]["kind"] for m in body["items"]] == ["related", "other"]
    assert body["items"][0]["posting_id"] == related["id"]
    assert body["items"][0]["fit"]["zh"].startswith("与焊工相近：同属")
    assert body["notice"] == {
        "zh": "附近暂无您想做的工作，以下是相近的岗位",
        "en": "No work of the kind you want is within reach; here is related work",
    }


async def test_a_list_holding_the_wished_work_has_no_notice(
    client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    await feed.post("仓库装卸工", km=1.0)
    me = await register(client, token, "s-1")

    body = (await client.get("/v1/seekers/s-1/matches", headers=me)).json()

    assert [m["fit"]["kind"] for m in body["items"]] == ["exact"]
    assert body["notice"] is None
