"""One seeker's applications (for the export of everything held about them): a service or admin asks by
`seeker_id`; anyone else's filter stays inside what they may see."""

from collections.abc import Callable

import httpx

from tests.postings.lifecycle.factories import open_job

Token = Callable[..., dict[str, str]]


async def test_the_matching_service_lists_one_seekers_applications(
    client: httpx.AsyncClient, token: Token
) -> None:
    boss = token("employer", "boss")
    job, other = await open_job(client, boss), await open_job(client, boss)
    for seeker, posting in (("s1", job), ("s1", other), ("s2", job)):
        applied = await client.post(
            f"/v1/postings/{posting['id']}/applications", headers=token("seeker", seeker)
        )
        assert applied.status_code == 201, applied.text

    listed = await client.get(
        "/v1/applications", params={"seeker_id": "s1"}, headers=token("service", "matching")
    )

    assert listed.status_code == 200
    assert sorted(a["posting_id"] for a in listed.json()["items"]) == sorted([job["id"], other["id"]])


async def test_a_seeker_asking_for_someone_elses_applications_gets_none(
    client: httpx.AsyncClient, token: Token
) -> None:
    job = await open_job(client, token("employer", "boss"))
    await client.post(f"/v1/postings/{job['id']}/applications", headers=token("seeker", "s1"))

    listed = await client.get("/v1/applications", params={"seeker_id": "s1"}, headers=token("seeker", "s2"))

    assert listed.json()["items"] == []


async def test_an_overlong_seeker_id_filter_is_refused(client: httpx.AsyncClient, token: Token) -> None:
    listed = await client.get(
        "/v1/applications", params={"seeker_id": "x" * 201}, headers=token("service", "m")
    )

    assert listed.status_code == 422
