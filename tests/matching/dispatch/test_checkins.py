"""The morning roll: staff tick registered seekers in, a worker checks in with the station's QR code;
one check-in per seeker per station per China day; phones masked."""

from datetime import timedelta

import httpx

from services.kit.clock import ManualClock
from tests.matching.dispatch.morning import tick
from tests.matching.serving.conftest import STATION, Token, register


async def test_staff_tick_workers_in_and_the_roll_numbers_them_in_arrival_order(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], clock: ManualClock
) -> None:
    await register(client, token, "w-1", phone="13812341234")
    await register(client, token, "w-2")
    await tick(client, staff, "w-2")
    clock.advance(timedelta(minutes=3))
    await tick(client, staff, "w-1")
    roll = (await client.get("/v1/dispatch/checkins", headers=staff)).json()
    assert roll["station_id"] == STATION
    assert roll["day"] == "2026-12-01"
    assert [(i["roll"], i["seeker_id"], i["method"]) for i in roll["items"]] == [
        (1, "w-2", "staff"),
        (2, "w-1", "staff"),
    ]
    assert roll["items"][1]["phone"] == "138****1234"


async def test_a_second_check_in_the_same_day_is_refused(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str]
) -> None:
    await register(client, token, "w-1")
    await tick(client, staff, "w-1")
    again = await client.post("/v1/dispatch/checkins", json={"seeker_id": "w-1"}, headers=staff)
    assert again.status_code == 409
    assert again.json()["code"] == "already_checked_in"


async def test_the_next_china_day_starts_a_new_roll(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], clock: ManualClock
) -> None:
    await register(client, token, "w-1")
    await tick(client, staff, "w-1")
    clock.advance(timedelta(hours=19))  # 00:00 the next day in Shanghai, still 1 December in UTC
    assert (await client.get("/v1/dispatch/checkins", headers=staff)).json()["items"] == []
    await tick(client, staff, "w-1")


async def test_a_worker_checks_in_with_the_code_the_stations_qr_carries(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str]
) -> None:
    me = await register(client, token, "w-1")
    today = (await client.get("/v1/dispatch/checkin-code", headers=staff)).json()
    scanned = await client.post(
        f"/v1/dispatch/stations/{STATION}/checkins", json={"code": today["code"]}, headers=me
    )
    twice = await client.post(
        f"/v1/dispatch/stations/{STATION}/checkins", json={"code": today["code"]}, headers=me
    )
    assert today["url"].endswith(f"/{STATION}?code={today['code']}")
    assert scanned.status_code == 204, scanned.text
    assert twice.status_code == 409
    items = (await client.get("/v1/dispatch/checkins", headers=staff)).json()["items"]
    assert [(i["seeker_id"], i["method"]) for i in items] == [("w-1", "self")]


async def test_yesterdays_code_or_another_stations_does_not_check_anyone_in(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], clock: ManualClock
) -> None:
    me = await register(client, token, "w-1")
    yesterday = (await client.get("/v1/dispatch/checkin-code", headers=staff)).json()["code"]
    other = token("staff", "staff-x", station="station-other", county="370102")
    others = (await client.get("/v1/dispatch/checkin-code", headers=other)).json()["code"]
    clock.advance(timedelta(days=1))
    old = await client.post(f"/v1/dispatch/stations/{STATION}/checkins", json={"code": yesterday}, headers=me)
    wrong = await client.post(f"/v1/dispatch/stations/{STATION}/checkins", json={"code": others}, headers=me)
    assert old.status_code == 403
    assert old.json()["code"] == "wrong_checkin_code"
    assert wrong.status_code == 403


async def test_an_unregistered_seeker_cannot_be_ticked_in(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    response = await client.post("/v1/dispatch/checkins", json={"seeker_id": "nobody"}, headers=staff)
    assert response.status_code == 404
    assert response.json()["code"] == "seeker_not_found"


async def test_only_staff_of_a_station_see_its_roll(client: httpx.AsyncClient, token: Token) -> None:
    no_station = await client.get("/v1/dispatch/checkins", headers=token("staff", "staff-x"))
    seeker = await client.get("/v1/dispatch/checkins", headers=token("seeker", "w-1"))
    assert no_station.status_code == 403
    assert no_station.json()["code"] == "station_required"
    assert seeker.status_code == 403


async def test_staff_cannot_tick_in_a_seeker_outside_their_station_and_county(
    client: httpx.AsyncClient, token: Token
) -> None:
    await register(client, token, "w-1")  # lives in 370102
    elsewhere = token("staff", "staff-zhang", station="station-zhangqiu-1", county="370114")
    response = await client.post("/v1/dispatch/checkins", json={"seeker_id": "w-1"}, headers=elsewhere)
    assert response.status_code == 404
