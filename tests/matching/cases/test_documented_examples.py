"""The documented request examples of cases, households and placements, sent as they are, are accepted."""

from datetime import timedelta
from typing import Any

import httpx

from services.kit.clock import ManualClock
from tests.matching.cases.conftest import Headers, open_case, register
from tests.matching.cases.test_feed_closure import Token, _hired_case
from tests.openapi_examples import documented_examples, swapped

PLACEHOLDER_SEEKER = "seeker-3701-0042"


async def _examples(client: httpx.AsyncClient, method: str, path: str) -> list[dict[str, Any]]:
    examples = documented_examples((await client.get("/openapi.json")).json(), method, path)
    assert examples, (method, path)
    return examples


STEPS = ("/v1/cases/{case_id}/actions", "/v1/cases/{case_id}/contacts", "/v1/cases/{case_id}/close")


async def test_the_documented_case_steps_are_accepted_as_they_are(
    live_matching: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    for path in STEPS:
        for index, example in enumerate(await _examples(live_matching, "POST", path)):
            seeker = f"s-zhao-{path.rsplit('/', 1)[1]}-{index}"  # one open case per seeker
            await register(live_matching, token, seeker)
            case = await open_case(live_matching, staff, seeker)

            response = await live_matching.post(
                path.replace("{case_id}", case["id"]), json=example, headers=staff
            )

            assert 200 <= response.status_code < 300, (path, response.text)


async def test_the_documented_plan_change_is_accepted_as_it_is(
    live_matching: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    await register(live_matching, token, "s-qian")
    case = await open_case(live_matching, staff, "s-qian")
    for example in await _examples(live_matching, "PATCH", "/v1/cases/{case_id}"):
        read = await live_matching.get(f"/v1/cases/{case['id']}", headers=staff)

        response = await live_matching.patch(
            f"/v1/cases/{case['id']}", json=example, headers=staff | {"If-Match": read.headers["ETag"]}
        )

        assert 200 <= response.status_code < 300, response.text


async def test_the_documented_household_member_is_accepted_as_it_is(
    live_matching: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    for index, example in enumerate(
        await _examples(live_matching, "POST", "/v1/households/{household_id}/members")
    ):
        await register(live_matching, token, f"s-sun-{index}")
        made = await live_matching.post("/v1/households", json={"county_adcode": "370102"}, headers=staff)

        response = await live_matching.post(
            f"/v1/households/{made.json()['id']}/members",
            json=swapped(example, {PLACEHOLDER_SEEKER: f"s-sun-{index}"}),
            headers=staff,
        )

        assert 200 <= response.status_code < 300, response.text


async def test_the_documented_end_of_work_is_accepted_as_it_is(
    postings: httpx.AsyncClient,
    live_matching: httpx.AsyncClient,
    token: Token,
    staff: Headers,
    clock: ManualClock,
) -> None:
    await _hired_case(postings, live_matching, token, staff)
    [placement] = (await live_matching.get("/v1/seekers/s-wang/placements", headers=staff)).json()
    clock.advance(timedelta(days=3))  # the example's work ended yesterday: it began before that
    for example in await _examples(live_matching, "POST", "/v1/placements/{placement_id}/end"):
        response = await live_matching.post(
            f"/v1/placements/{placement['id']}/end", json=example, headers=staff
        )

        assert 200 <= response.status_code < 300, response.text
