from collections.abc import Callable

import httpx
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.postings.lifecycle.conftest import down_matching, registered
from tests.postings.lifecycle.factories import feed, open_gig, open_job

Token = Callable[..., dict[str, str]]


async def _apply(
    client: httpx.AsyncClient, headers: dict[str, str], posting_id: str, **body: object
) -> httpx.Response:
    return await client.post(f"/v1/postings/{posting_id}/applications", json=body or None, headers=headers)


async def test_seeker_applies_to_a_job_and_the_employer_accepts(
    client: httpx.AsyncClient, token: Token
) -> None:
    boss = token("employer", "boss")
    job = await open_job(client, boss)

    applied = await _apply(client, token("seeker", "s1"), job["id"], note="有三年焊工经验")
    listed = await client.get(f"/v1/postings/{job['id']}/applications", headers=boss)
    accepted = await client.post(f"/v1/applications/{applied.json()['id']}/accept", headers=boss)

    assert applied.status_code == 201, applied.text
    assert applied.json()["status"] == "applied"
    assert applied.json()["source"] == "self"
    assert [a["id"] for a in listed.json()["items"]] == [applied.json()["id"]]
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["decided_by"] == "employer"
    types = [e["type"] for e in await feed(client, token("service", "m"), "application.")]
    assert types == ["application.created", "application.accepted"]


async def test_out_of_order_decisions_are_409_with_the_current_status(
    client: httpx.AsyncClient, token: Token
) -> None:
    boss = token("employer", "boss")
    job = await open_job(client, boss)
    applied = await _apply(client, token("seeker", "s1"), job["id"])
    url = f"/v1/applications/{applied.json()['id']}"

    rejected = await client.post(f"{url}/reject", json={"reason": "岗位已招满"}, headers=boss)
    accept_after = await client.post(f"{url}/accept", headers=boss)
    withdraw_after = await client.post(f"{url}/withdraw", headers=token("seeker", "s1"))

    assert rejected.json()["decision_reason"] == "岗位已招满"
    for late in (accept_after, withdraw_after):
        assert late.status_code == 409
        assert late.json()["code"] == "invalid_transition"
        assert late.json()["current_status"] == "rejected"


async def test_seeker_withdraws_and_may_apply_again(client: httpx.AsyncClient, token: Token) -> None:
    job = await open_job(client, token("employer", "boss"))
    seeker = token("seeker", "s1")
    first = await _apply(client, seeker, job["id"])

    withdrawn = await client.post(f"/v1/applications/{first.json()['id']}/withdraw", headers=seeker)
    again = await _apply(client, seeker, job["id"])

    assert withdrawn.json()["status"] == "withdrawn"
    assert again.status_code == 201


async def test_applying_twice_is_409(client: httpx.AsyncClient, token: Token) -> None:
    job = await open_job(client, token("employer", "boss"))
    first = await _apply(client, token("seeker", "s1"), job["id"])

    second = await _apply(client, token("seeker", "s1"), job["id"])

    assert second.status_code == 409
    assert second.json()["code"] == "already_applied"
    assert second.json()["application_id"] == first.json()["id"]


async def test_staff_refer_a_seeker_recorded_with_their_station(
    client: httpx.AsyncClient, matching: httpx.AsyncClient, token: Token
) -> None:
    job = await open_job(client, token("employer", "boss"))
    staff = token("staff", "clerk-7", station="st-lixia")
    await registered(matching, staff, "s-old-wang")

    referred = await _apply(client, staff, job["id"], seeker_id="s-old-wang", note="站点推荐：老焊工")
    seekers_view = await client.get("/v1/applications", headers=token("seeker", "s-old-wang"))
    stations_view = await client.get("/v1/applications", headers=staff)

    assert referred.status_code == 201, referred.text
    body = referred.json()
    assert (body["seeker_id"], body["source"], body["station_id"], body["referred_by"]) == (
        "s-old-wang",
        "station",
        "st-lixia",
        "clerk-7",
    )
    assert [a["id"] for a in seekers_view.json()["items"]] == [body["id"]]
    assert [a["id"] for a in stations_view.json()["items"]] == [body["id"]]


async def test_the_matching_service_refers_on_a_stations_behalf(
    client: httpx.AsyncClient, token: Token
) -> None:
    job = await open_job(client, token("employer", "boss"))

    referred = await _apply(
        client, token("service", "matching"), job["id"], seeker_id="s9", station_id="st-lixia"
    )

    assert referred.status_code == 201
    assert (referred.json()["source"], referred.json()["station_id"]) == ("station", "st-lixia")


async def test_another_party_sees_404(client: httpx.AsyncClient, token: Token) -> None:
    job = await open_job(client, token("employer", "boss"))
    applied = await _apply(client, token("seeker", "s1"), job["id"])
    url = f"/v1/applications/{applied.json()['id']}"

    other_seeker = await client.get(url, headers=token("seeker", "s2"))
    rival = await client.post(f"{url}/accept", headers=token("employer", "rival"))
    far_staff = await client.get(url, headers=token("staff", "clerk-9", station="st-shinan"))

    assert {r.status_code for r in (other_seeker, rival, far_staff)} == {404}


async def test_gigs_are_booked_not_applied_to_and_closed_jobs_refuse(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now())
    job = await open_job(client, boss)
    await client.post(f"/v1/postings/{job['id']}/close", headers=boss | {"If-Match": f'"{job["id"]}.2"'})

    to_gig = await _apply(client, token("seeker", "s1"), gig.posting_id)
    to_closed = await _apply(client, token("seeker", "s1"), job["id"])

    assert (to_gig.status_code, to_gig.json()["code"]) == (409, "not_a_job")
    assert (to_closed.status_code, to_closed.json()["code"]) == (409, "posting_not_open")
    assert to_closed.json()["current_status"] == "closed"


async def test_only_the_seeker_side_withdraws_and_only_the_employer_accepts(
    client: httpx.AsyncClient, token: Token
) -> None:
    boss = token("employer", "boss")
    job = await open_job(client, boss)
    applied = await _apply(client, token("seeker", "s1"), job["id"])
    url = f"/v1/applications/{applied.json()['id']}"

    by_employer = await client.post(f"{url}/withdraw", headers=boss)
    by_seeker = await client.post(f"{url}/accept", headers=token("seeker", "s1"))

    assert by_employer.status_code == 403
    assert by_seeker.status_code == 403


async def test_staff_cannot_apply_for_a_seeker_they_do_not_reach(
    client: httpx.AsyncClient, matching: httpx.AsyncClient, token: Token
) -> None:
    job = await open_job(client, token("employer", "boss"))
    await registered(matching, token("staff", "clerk-7", station="st-lixia"), "s-old-wang")
    far_staff = token("staff", "clerk-9", station="st-shinan", county="370202")

    refused = await _apply(client, far_staff, job["id"], seeker_id="s-old-wang")
    nobody = await _apply(client, far_staff, job["id"], seeker_id="s-nobody")
    listed = await client.get(f"/v1/postings/{job['id']}/applications", headers=token("admin", "root"))

    assert (refused.status_code, refused.json()["code"]) == (404, "seeker_not_found")
    assert (nobody.status_code, nobody.json()["code"]) == (404, "seeker_not_found")
    assert refused.json()["title"] == nobody.json()["title"]
    assert listed.json()["items"] == []


async def test_staff_apply_for_a_walk_in_their_station_opened_by_an_exact_lookup(
    client: httpx.AsyncClient, matching: httpx.AsyncClient, token: Token
) -> None:
    job = await open_job(client, token("employer", "boss"))
    await registered(
        matching, token("staff", "clerk-9", station="st-shinan"), "s-visitor", phone="13912345678"
    )
    staff = token("staff", "clerk-7", station="st-lixia", county="370102")

    before = await _apply(client, staff, job["id"], seeker_id="s-visitor")
    found = await matching.post("/v1/seekers/lookup", json={"phone": "13912345678"}, headers=staff)
    after = await _apply(client, staff, job["id"], seeker_id="s-visitor")

    assert before.status_code == 404
    assert [s["id"] for s in found.json()] == ["s-visitor"]
    assert after.status_code == 201, after.text
    assert (after.json()["station_id"], after.json()["referred_by"]) == ("st-lixia", "clerk-7")


async def test_staff_apply_is_refused_with_503_when_matching_cannot_answer(
    app: FastAPI, client: httpx.AsyncClient, token: Token
) -> None:
    job = await open_job(client, token("employer", "boss"))
    await down_matching(app)

    refused = await _apply(client, token("staff", "clerk-7", station="st-lixia"), job["id"], seeker_id="s1")
    own = await _apply(client, token("seeker", "s1"), job["id"])

    assert (refused.status_code, refused.json()["code"]) == (503, "matching_unreachable")
    assert own.status_code == 201
