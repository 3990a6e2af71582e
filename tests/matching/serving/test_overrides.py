"""Staff overrides: a hide removes a posting, a pin brings it first, each with a recorded reason."""

from datetime import timedelta
from typing import Any

import httpx

from services.kit.clock import ManualClock
from tests.matching.serving.conftest import Feed, Token, register


async def _matches(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/v1/seekers/s-1/matches", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _override(
    client: httpx.AsyncClient, headers: dict[str, str], posting_id: str, action: str, **extra: str
) -> httpx.Response:
    body = {"posting_id": posting_id, "action": action, "reason": "本人要求 / at the seeker's request"}
    return await client.post("/v1/seekers/s-1/overrides", json=body, headers=headers | extra)


async def test_a_hide_removes_a_posting_and_a_pin_brings_one_first_with_the_reason_shown(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    near = await feed.post("仓库装卸工", km=1.0)
    middle = await feed.post("仓库装卸工", km=3.0)
    far = await feed.post("仓库装卸工", km=8.0)
    me = await register(client, token, "s-1")
    assert [m["posting_id"] for m in await _matches(client, me)] == [near["id"], middle["id"], far["id"]]

    hidden = await _override(client, staff, near["id"], "hide")
    pinned = await _override(client, staff, far["id"], "pin")
    mine = await _matches(client, me)
    theirs = await _matches(client, staff)

    assert (hidden.status_code, pinned.status_code) == (201, 201)
    assert [m["posting_id"] for m in mine] == [far["id"], middle["id"]]
    assert mine[0]["override"] == {
        "action": "pin",
        "reason": "本人要求 / at the seeker's request",
        "at": pinned.json()["created_at"],
        "station_id": "station-lixia-1",
        "staff_sub": None,
    }
    assert theirs[0]["override"]["staff_sub"] == "staff-li"
    assert mine[1]["override"] is None


async def test_overrides_are_listed_revoked_and_replaced_and_each_change_is_audited(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str], clock: ManualClock
) -> None:
    near = await feed.post("仓库装卸工", km=1.0)
    me = await register(client, token, "s-1")

    hide = (await _override(client, staff, near["id"], "hide")).json()
    clock.advance(timedelta(minutes=1))
    pin = (await _override(client, staff, near["id"], "pin")).json()  # ends the hide
    listed = (await client.get("/v1/seekers/s-1/overrides", headers=me)).json()["items"]
    pinned_first = await _matches(client, me)
    revoked = await client.delete(f"/v1/seekers/s-1/overrides/{pin['id']}", headers=staff)
    again = await client.delete(f"/v1/seekers/s-1/overrides/{pin['id']}", headers=staff)
    after = await _matches(client, me)
    log = (await client.get("/v1/seekers/s-1/audit", headers=me)).json()["items"]

    assert [(o["id"], o["action"], o["active"]) for o in listed] == [
        (pin["id"], "pin", True),
        (hide["id"], "hide", False),
    ]
    assert pinned_first[0]["override"]["action"] == "pin"
    assert (revoked.status_code, again.status_code, again.json()["code"]) == (204, 404, "override_not_found")
    assert [m["posting_id"] for m in after] == [near["id"]]
    assert after[0]["override"] is None
    assert sorted(e["action"] for e in log) == ["override_matches", "override_matches", "revoke_override"]


async def test_an_override_needs_a_reason_a_known_posting_and_a_staff_member(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    near = await feed.post("仓库装卸工", km=1.0)
    me = await register(client, token, "s-1")
    url = "/v1/seekers/s-1/overrides"

    blank = await client.post(
        url, json={"posting_id": near["id"], "action": "hide", "reason": "  "}, headers=staff
    )
    missing = await client.post(url, json={"posting_id": near["id"], "action": "hide"}, headers=staff)
    by_seeker = await _override(client, me, near["id"], "hide")
    by_admin = await _override(client, token("admin", "a-1"), near["id"], "hide")
    unknown = await _override(client, staff, "00000000-0000-4000-8000-000000000000", "pin")
    nobody = await client.post(
        "/v1/seekers/nobody/overrides",
        json={"posting_id": near["id"], "action": "pin", "reason": "x"},
        headers=staff,
    )

    assert (blank.status_code, missing.status_code) == (422, 422)
    assert (by_seeker.status_code, by_admin.status_code) == (403, 403)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "posting_not_found")
    assert (nobody.status_code, nobody.json()["code"]) == (404, "seeker_not_found")
    assert (await client.get(url, headers=me)).json()["items"] == []


async def test_an_override_with_the_same_idempotency_key_is_recorded_once(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    near = await feed.post("仓库装卸工", km=1.0)
    me = await register(client, token, "s-1")

    first = await _override(client, staff, near["id"], "pin", **{"Idempotency-Key": "ov-1"})
    replay = await _override(client, staff, near["id"], "pin", **{"Idempotency-Key": "ov-1"})
    changed = await _override(client, staff, near["id"], "hide", **{"Idempotency-Key": "ov-1"})
    listed = (await client.get("/v1/seekers/s-1/overrides", headers=me)).json()["items"]

    assert (first.status_code, replay.status_code, changed.status_code) == (201, 201, 422)
    assert replay.json()["id"] == first.json()["id"]
    assert [o["id"] for o in listed] == [first.json()["id"]]


async def test_erasing_a_seeker_deletes_their_overrides_and_a_fresh_registration_starts_without_them(
    client: httpx.AsyncClient, feed: Feed, token: Token, staff: dict[str, str]
) -> None:
    near = await feed.post("仓库装卸工", km=1.0)
    me = await register(client, token, "s-1")
    await _override(client, staff, near["id"], "hide")
    await _override(client, staff, near["id"], "pin")  # the hide ends; both rows stay until erasure

    erased = await client.delete("/v1/seekers/s-1", headers=me)
    await register(client, token, "s-1")
    listed = (await client.get("/v1/seekers/s-1/overrides", headers=me)).json()["items"]
    matches = await _matches(client, me)

    assert erased.status_code == 204
    assert listed == []
    assert [(m["posting_id"], m["override"]) for m in matches] == [(near["id"], None)]
