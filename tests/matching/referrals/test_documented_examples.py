"""The referral route's documented request examples, sent as they are, are accepted (2xx)."""

import httpx

from services.kit.clock import ManualClock
from tests.matching.referrals.conftest import open_gig, open_job, walk_in
from tests.openapi_examples import documented_examples, swapped

ROUTE = ("POST", "/v1/seekers/{seeker_id}/referrals")


async def test_each_documented_referral_example_is_accepted_as_it_is(
    matching: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    staff: dict[str, str],
    owner: dict[str, str],
    clock: ManualClock,
) -> None:
    examples = documented_examples((await matching.get("/openapi.json")).json(), *ROUTE)
    assert examples
    for index, example in enumerate(examples):
        seeker = await walk_in(matching, staff, f"walk-in-{index}")
        swap = {}
        if "posting_id" in example:
            swap[example["posting_id"]] = await open_job(postings, owner)
        if "shift_id" in example:
            swap[example["shift_id"]] = await open_gig(postings, owner, clock, slots=1)

        response = await matching.post(
            f"/v1/seekers/{seeker}/referrals", json=swapped(example, swap), headers=staff
        )

        assert 200 <= response.status_code < 300, (index, response.text)
