import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from services.kit.clock import ManualClock

Token = Callable[..., dict[str, str]]


def record(external_id: str, now: datetime, **overrides: Any) -> dict[str, Any]:
    start = now + timedelta(days=3)
    rec: dict[str, Any] = {
        "external_id": external_id,
        "employer": {"name": "济宁汶上纺织有限公司", "kind": "company", "uscc": None},
        "kind": "gig",
        "title": "纺织挡车工（日结）",
        "description": "看管纺纱设备，日结，男女不限。",
        "location": {"lat": 35.7266, "lng": 116.4973, "county_adcode": None, "address": "济宁市汶上县"},
        "pay": {"min": "24", "max": None, "unit": "hour"},
        "headcount": 4,
        "booking": "instant",
        "status": "open",
        "shifts": [
            {
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=6)).isoformat(),
                "headcount": 2,
            }
        ],
    }
    rec.update(overrides)
    return rec


def jsonl(*records: dict[str, Any] | str) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records).encode()


async def _import(
    client: httpx.AsyncClient, token: Token, body: bytes, source: str = "partner"
) -> httpx.Response:
    return await client.post(
        "/v1/imports",
        params={"source": source, "filename": "batch.jsonl"},
        content=body,
        headers=token("staff", "s1", station="st-1") | {"Content-Type": "application/x-ndjson"},
    )


async def test_import_creates_postings_and_reports_each_row(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    body = jsonl(record("A-1", clock.now()), record("A-2", clock.now(), title="纺织挡车工（夜班）"))

    response = await _import(client, token, body)

    report = response.json()
    assert response.status_code == 200, response.text
    assert report["summary"]["created"] == 2
    assert [r["outcome"] for r in report["rows"]] == ["created", "created"]
    listed = await client.get("/v1/postings", params={"status": "open"}, headers=token("seeker", "x"))
    assert len(listed.json()["items"]) == 2


async def test_reimporting_the_same_file_changes_nothing(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    body = jsonl(record("A-1", clock.now()), record("A-2", clock.now(), title="整经工"))
    await _import(client, token, body)
    feed_before = (await client.get("/v1/feed", params={"limit": 1000}, headers=token("service", "m"))).json()

    again = (await _import(client, token, body)).json()
    feed_after = (await client.get("/v1/feed", params={"limit": 1000}, headers=token("service", "m"))).json()

    assert again["summary"]["unchanged"] == 2
    assert feed_after["next"] == feed_before["next"]


async def test_changed_row_is_updated_in_place(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    first = (await _import(client, token, jsonl(record("A-1", clock.now())))).json()

    second = (await _import(client, token, jsonl(record("A-1", clock.now(), headcount=9)))).json()

    assert second["rows"][0]["outcome"] == "updated"
    assert second["rows"][0]["posting_id"] == first["rows"][0]["posting_id"]
    posting = await client.get(f"/v1/postings/{first['rows'][0]['posting_id']}", headers=token("seeker", "x"))
    assert posting.json()["headcount"] == 9


async def test_same_external_id_from_another_source_is_another_posting(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    await _import(client, token, jsonl(record("A-1", clock.now())), source="one")

    other = (await _import(client, token, jsonl(record("A-1", clock.now())), source="two")).json()

    assert other["summary"]["created"] == 1


async def test_bad_rows_are_rejected_with_reasons_and_good_rows_still_land(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    body = jsonl(
        record("ok-1", clock.now()),
        "{not json",
        record("bad-pay", clock.now(), pay={"min": "-1", "unit": "hour"}),
        record("far", clock.now(), location={"lat": 23.13, "lng": 113.26}),
        record("ok-2", clock.now(), title="络筒工"),
    )

    report = (await _import(client, token, body)).json()

    outcomes = [(r["line"], r["outcome"]) for r in report["rows"]]
    assert outcomes == [(1, "created"), (2, "rejected"), (3, "rejected"), (4, "rejected"), (5, "created")]
    assert all(r["reason"]["code"] for r in report["rows"] if r["outcome"] == "rejected")
    assert report["summary"]["rejected"] == 3


async def test_discriminatory_row_is_rejected_with_the_checker_reason(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    body = jsonl(record("sex", clock.now(), description="限男性，身体健康"))

    report = (await _import(client, token, body)).json()

    assert report["rows"][0]["outcome"] == "rejected"
    assert report["rows"][0]["reason"]["code"] == "posting_refused"


async def test_import_of_an_empty_body_is_422(client: httpx.AsyncClient, token: Token) -> None:
    response = await _import(client, token, b"   ")

    assert response.json()["code"] == "empty_import"


async def test_employer_may_not_import(client: httpx.AsyncClient, token: Token, clock: ManualClock) -> None:
    response = await client.post(
        "/v1/imports",
        params={"source": "x"},
        content=jsonl(record("A", clock.now())),
        headers=token("employer", "e"),
    )

    assert response.status_code == 403
