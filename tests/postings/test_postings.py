from collections.abc import Callable
from datetime import timedelta

import httpx
from fastapi import FastAPI

from services.kit.clock import ManualClock
from tests.postings.factories import create_employer, create_posting, gig_body, iso, job_body, publish

Token = Callable[..., dict[str, str]]


async def test_employer_posts_a_job_as_draft(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)

    posting, etag = await create_posting(client, headers, job_body(employer["id"]))

    assert posting["status"] == "draft"
    assert posting["certificates"] == ["welder"]
    assert posting["location"]["county_adcode"] == "370102"
    assert etag == f'"{posting["id"]}.1"'


async def test_county_is_derived_from_coordinates_when_absent(
    client: httpx.AsyncClient, token: Token
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    body = job_body(employer["id"], location={"lat": 35.4146, "lng": 116.5872})

    posting, _ = await create_posting(client, headers, body)

    assert posting["location"]["county_adcode"].startswith("3708")


async def test_gig_is_posted_with_its_shifts(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)

    posting, _ = await create_posting(client, headers, gig_body(employer["id"], clock.now()))

    assert posting["booking"] == "instant"
    assert len(posting["shifts"]) == 1
    assert posting["shifts"][0]["filled"] == 0


async def test_publish_pause_and_close_follow_the_lifecycle(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))
    pid = posting["id"]

    opened = await publish(client, headers, pid, etag)
    paused = await client.post(
        f"/v1/postings/{pid}/pause", headers=headers | {"If-Match": opened.headers["ETag"]}
    )
    reopened = await publish(client, headers, pid, paused.headers["ETag"])
    closed = await client.post(
        f"/v1/postings/{pid}/close", headers=headers | {"If-Match": reopened.headers["ETag"]}
    )

    assert [r.json()["status"] for r in (opened, paused, reopened, closed)] == [
        "open",
        "paused",
        "open",
        "closed",
    ]
    assert closed.json()["close_reason"] == "closed"


async def test_closed_posting_cannot_be_published_again(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))
    closed = await client.post(f"/v1/postings/{posting['id']}/close", headers=headers | {"If-Match": etag})

    response = await publish(client, headers, posting["id"], closed.headers["ETag"])

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["current_status"] == "closed"


async def test_transition_without_if_match_is_428(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, _ = await create_posting(client, headers, job_body(employer["id"]))

    response = await client.post(f"/v1/postings/{posting['id']}/publish", headers=headers)

    assert response.status_code == 428
    assert response.json()["code"] == "if_match_required"


async def test_edit_with_current_etag_changes_the_posting(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))

    response = await client.patch(
        f"/v1/postings/{posting['id']}",
        json={"title": "氩弧焊工", "headcount": 5},
        headers=headers | {"If-Match": etag},
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["headcount"], response.json()["version"]) == (
        "氩弧焊工",
        5,
        2,
    )
    assert response.json()["certificates"] == ["welder"]


async def test_a_posting_cannot_move_to_another_county_but_may_move_within_its_own(
    client: httpx.AsyncClient, token: Token
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))
    qingdao = {"lat": 36.0671, "lng": 120.3826, "county_adcode": "370202"}
    nearby = {"lat": 36.6701, "lng": 117.0801, "county_adcode": "370102", "address": "经十路 2 号"}

    moved = await client.patch(
        f"/v1/postings/{posting['id']}", json={"location": qingdao}, headers=headers | {"If-Match": etag}
    )
    shifted = await client.patch(
        f"/v1/postings/{posting['id']}", json={"location": nearby}, headers=headers | {"If-Match": etag}
    )

    assert (moved.status_code, moved.json()["code"]) == (409, "county_fixed")
    assert shifted.status_code == 200, shifted.text
    assert shifted.json()["location"]["address"] == "经十路 2 号"


async def test_edit_cannot_remove_a_required_field(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))

    response = await client.patch(
        f"/v1/postings/{posting['id']}", json={"title": None}, headers=headers | {"If-Match": etag}
    )

    assert response.status_code == 422


async def test_another_employers_draft_is_404(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, _ = await create_posting(client, headers, job_body(employer["id"]))

    response = await client.get(f"/v1/postings/{posting['id']}", headers=token("employer", "e2"))

    assert response.status_code == 404
    assert response.json()["code"] == "posting_not_found"


async def test_another_employers_open_posting_cannot_be_changed(
    client: httpx.AsyncClient, token: Token
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))
    opened = await publish(client, headers, posting["id"], etag)

    response = await client.patch(
        f"/v1/postings/{posting['id']}",
        json={"title": "改"},
        headers=token("employer", "e2") | {"If-Match": opened.headers["ETag"]},
    )

    assert response.status_code == 404


async def test_posting_for_another_employers_organisation_is_refused(
    client: httpx.AsyncClient, token: Token
) -> None:
    employer = await create_employer(client, token("employer", "e1"))

    response = await client.post(
        "/v1/postings", json=job_body(employer["id"]), headers=token("employer", "e2")
    )

    assert response.status_code == 404
    assert response.json()["code"] == "employer_not_found"


async def test_seeker_sees_open_postings_but_not_drafts(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    draft, _ = await create_posting(client, headers, job_body(employer["id"], title="草稿岗位"))
    shown, etag = await create_posting(client, headers, job_body(employer["id"], title="公开岗位"))
    await publish(client, headers, shown["id"], etag)

    response = await client.get("/v1/postings", headers=token("seeker", "s1"))

    assert [p["title"] for p in response.json()["items"]] == ["公开岗位"]


async def test_list_filters_by_kind_county_and_flag(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    await create_posting(client, headers, job_body(employer["id"], flags=["mom_post"]))
    await create_posting(client, headers, gig_body(employer["id"], clock.now()))
    await create_posting(
        client,
        headers,
        job_body(employer["id"], location={"lat": 36.0671, "lng": 120.3826, "county_adcode": "370202"}),
    )

    def titles(r: httpx.Response) -> list[str]:
        return sorted(p["location"]["county_adcode"] + p["kind"] for p in r.json()["items"])

    by_kind = await client.get("/v1/postings", params={"kind": "gig"}, headers=headers)
    by_county = await client.get("/v1/postings", params={"county": "370202"}, headers=headers)
    by_flag = await client.get("/v1/postings", params={"flag": "mom_post"}, headers=headers)

    assert titles(by_kind) == ["370102gig"]
    assert titles(by_county) == ["370202job"]
    assert titles(by_flag) == ["370102job"]


async def test_list_pages_with_a_cursor_until_the_end(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    for i in range(5):
        await create_posting(client, headers, job_body(employer["id"], title=f"岗位{i}"))

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/postings", params=params, headers=headers)).json()
        seen += [p["title"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert sorted(seen) == [f"岗位{i}" for i in range(5)]


async def test_list_filters_by_updated_since(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    await create_posting(client, headers, job_body(employer["id"], title="旧"))
    clock.advance(timedelta(hours=1))
    since = clock.now()
    await create_posting(client, headers, job_body(employer["id"], title="新"))

    response = await client.get("/v1/postings", params={"updated_since": iso(since)}, headers=headers)

    assert [p["title"] for p in response.json()["items"]] == ["新"]


async def test_employer_adds_a_shift_to_a_gig(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, _ = await create_posting(client, headers, gig_body(employer["id"], clock.now()))
    start = clock.now() + timedelta(days=3)

    created = await client.post(
        f"/v1/postings/{posting['id']}/shifts",
        json={"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=8)), "headcount": 5},
        headers=headers,
    )
    listed = await client.get(f"/v1/postings/{posting['id']}/shifts", headers=headers)

    assert created.status_code == 201
    assert [s["headcount"] for s in listed.json()] == [2, 5]


async def test_shift_in_the_past_is_422(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    start = clock.now() - timedelta(hours=1)
    body = gig_body(
        employer["id"],
        clock.now(),
        shifts=[{"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=2)), "headcount": 1}],
    )

    response = await client.post("/v1/postings", json=body, headers=headers)

    assert response.status_code == 422
    assert response.json()["code"] == "shift_in_past"


async def test_shift_beyond_ninety_days_is_422(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    start = clock.now() + timedelta(days=91)
    body = gig_body(
        employer["id"],
        clock.now(),
        shifts=[{"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=2)), "headcount": 1}],
    )

    response = await client.post("/v1/postings", json=body, headers=headers)

    assert response.json()["code"] == "shift_too_far_ahead"


async def test_shift_ending_before_it_starts_is_422(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    start = clock.now() + timedelta(days=1)
    body = gig_body(
        employer["id"],
        clock.now(),
        shifts=[{"starts_at": iso(start), "ends_at": iso(start - timedelta(hours=2)), "headcount": 1}],
    )

    response = await client.post("/v1/postings", json=body, headers=headers)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


async def test_too_many_shifts_is_422(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, app: FastAPI
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    limit = app.state.settings.max_shifts_per_posting
    shifts = [
        {
            "starts_at": iso(clock.now() + timedelta(days=1, hours=i)),
            "ends_at": iso(clock.now() + timedelta(days=1, hours=i + 1)),
            "headcount": 1,
        }
        for i in range(limit + 1)
    ]

    response = await client.post(
        "/v1/postings", json=gig_body(employer["id"], clock.now(), shifts=shifts), headers=headers
    )

    assert response.json()["code"] == "too_many_shifts"


async def test_job_with_shifts_is_422(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    shifts = gig_body(employer["id"], clock.now())["shifts"]

    response = await client.post(
        "/v1/postings", json=job_body(employer["id"], shifts=shifts), headers=headers
    )

    assert response.status_code == 422


async def test_gig_without_shifts_cannot_open(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, gig_body(employer["id"], clock.now(), shifts=[]))

    response = await publish(client, headers, posting["id"], etag)

    assert response.status_code == 409
    assert response.json()["code"] == "gig_needs_shift"


async def test_posting_past_valid_until_is_closed_as_expired(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, app: FastAPI
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    body = job_body(employer["id"], valid_until=iso(clock.now() + timedelta(days=1)))
    posting, etag = await create_posting(client, headers, body)
    await publish(client, headers, posting["id"], etag)

    clock.advance(timedelta(days=2))
    closed = await app.state.expiry.run_once()
    after = await client.get(f"/v1/postings/{posting['id']}", headers=headers)

    assert closed == 1
    assert (after.json()["status"], after.json()["close_reason"]) == ("closed", "expired")


async def test_unknown_occupation_code_is_422(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)

    response = await client.post(
        "/v1/postings", json=job_body(employer["id"], occupation_code="9-99-99-99"), headers=headers
    )

    assert response.status_code == 422


async def test_seeker_may_not_post(client: httpx.AsyncClient, token: Token) -> None:
    employer = await create_employer(client, token("employer", "e1"))

    response = await client.post("/v1/postings", json=job_body(employer["id"]), headers=token("seeker", "s1"))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
