"""The dispatch routes' documented request examples, sent as they are, are accepted (2xx)."""

from typing import Any

import httpx

from tests.matching.dispatch.morning import assigned, gig, morning_plan, today
from tests.matching.serving.conftest import STATION, Feed, Token, register
from tests.openapi_examples import documented_examples, swapped


async def _examples(client: httpx.AsyncClient, method: str, path: str) -> list[dict[str, Any]]:
    examples = documented_examples((await client.get("/openapi.json")).json(), method, path)
    assert examples
    return examples


async def test_the_documented_staff_check_in_is_accepted_as_it_is(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str]
) -> None:
    for example in await _examples(client, "POST", "/v1/dispatch/checkins"):
        await register(client, token, example["seeker_id"])

        response = await client.post("/v1/dispatch/checkins", json=example, headers=staff)

        assert 200 <= response.status_code < 300, response.text


async def test_the_documented_self_check_in_is_accepted_with_the_days_code(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str]
) -> None:
    path = "/v1/dispatch/stations/{station_id}/checkins"
    for index, example in enumerate(await _examples(client, "POST", path)):
        await register(client, token, f"w-{index}")
        code = (await client.get("/v1/dispatch/checkin-code", headers=staff)).json()["code"]

        response = await client.post(
            f"/v1/dispatch/stations/{STATION}/checkins",
            json=swapped(example, {example["code"]: code}),
            headers=token("seeker", f"w-{index}"),
        )

        assert 200 <= response.status_code < 300, response.text


async def test_the_documented_swap_is_accepted_as_it_is(
    client: httpx.AsyncClient, token: Token, staff: dict[str, str], feed: Feed
) -> None:
    for example in await _examples(client, "POST", "/v1/dispatch/plans/{plan_id}/swaps"):
        a = (await gig(feed, "仓库装卸工", today(8, headcount=1)))["shifts"][0]["id"]
        b = (await gig(feed, "仓库搬运工", today(9, headcount=1)))["shifts"][0]["id"]
        plan = await morning_plan(client, token, staff, example["seeker_id"], example["swap_with"])
        on = assigned(plan)
        mover, other = example["seeker_id"], example["swap_with"]
        target = b if on[mover] == a else a

        response = await client.post(
            f"/v1/dispatch/plans/{plan['id']}/swaps",
            json=swapped(example, {example["shift_id"]: target}),
            headers=staff,
        )

        assert 200 <= response.status_code < 300, response.text
        assert assigned(response.json()) == {mover: target, other: on[mover]}
