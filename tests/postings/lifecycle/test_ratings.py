from collections.abc import Callable

import httpx
import pytest

from services.kit.clock import ManualClock
from tests.postings.lifecycle.factories import Gig, booked, open_gig, worked

Token = Callable[..., dict[str, str]]


@pytest.fixture
async def gig(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> Gig:
    return await open_gig(client, token("employer", "boss"), clock.now())


async def _rate(
    client: httpx.AsyncClient, headers: dict[str, str], engagement_id: str, **body: object
) -> httpx.Response:
    return await client.post(f"/v1/engagements/{engagement_id}/ratings", json=body, headers=headers)


async def test_both_sides_rate_each_other_once_after_the_work(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1")
    done = await worked(client, worker, gig, clock)

    by_worker = await _rate(client, worker, done["id"], stars=5, comment="工钱当天结清")
    by_employer = await _rate(client, gig.boss, done["id"], stars=4)
    twice = await _rate(client, worker, done["id"], stars=1)
    both = await client.get(f"/v1/engagements/{done['id']}/ratings", headers=worker)

    assert by_worker.status_code == 201, by_worker.text
    assert (by_worker.json()["rater"], by_worker.json()["comment"]) == ("worker", "工钱当天结清")
    assert by_employer.json()["rater"] == "employer"
    assert (twice.status_code, twice.json()["code"]) == (409, "already_rated")
    assert sorted(r["stars"] for r in both.json()) == [4, 5]
    employer_record = (
        await client.get(f"/v1/employers/{gig.employer_id}/reliability", headers=worker)
    ).json()
    worker_record = (await client.get("/v1/workers/s1/reliability", headers=worker)).json()
    assert (employer_record["rating_average"], employer_record["rating_count"]) == (5.0, 1)
    assert (worker_record["rating_average"], worker_record["rating_count"]) == (4.0, 1)


async def test_rating_before_the_work_is_done_is_409(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    worker = token("seeker", "s1")
    taken = await booked(client, worker, gig.shift_id)

    response = await _rate(client, worker, taken["id"], stars=5)

    assert (response.status_code, response.json()["code"]) == (409, "not_rateable")
    assert response.json()["current_status"] == "booked"


@pytest.mark.parametrize(
    "body",
    [
        {"stars": 0},
        {"stars": 6},
        {"stars": 4.5},
        {"stars": 3, "comment": "好" * 201},
        {"stars": 3, "comment": "a\u0000b"},
        {},
    ],
)
async def test_a_rating_out_of_bounds_is_422(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig, body: dict[str, object]
) -> None:
    worker = token("seeker", "s1")
    done = await worked(client, worker, gig, clock)

    response = await _rate(client, worker, done["id"], **body)

    assert response.status_code == 422


async def test_outsiders_cannot_rate(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, gig: Gig
) -> None:
    done = await worked(client, token("seeker", "s1"), gig, clock)

    stranger = await _rate(client, token("seeker", "s2"), done["id"], stars=1)
    rival = await _rate(client, token("employer", "rival"), done["id"], stars=1)
    staff = await _rate(client, token("staff", "c1", station="st-lixia"), done["id"], stars=1)

    assert (stranger.status_code, rival.status_code, staff.status_code) == (404, 404, 403)
