"""`lingong serve --demo`'s seekers: registered through the seekers part, once, and matchable."""

from collections.abc import Callable

import httpx

from services.matching.config import MatchingSettings
from services.matching.demo import demo_id, load_demo_seekers

Token = Callable[..., dict[str, str]]


async def test_demo_seekers_are_registered_once(matching_settings: MatchingSettings) -> None:
    first = await load_demo_seekers(matching_settings, n=60)
    again = await load_demo_seekers(matching_settings, n=60)

    assert first >= 55  # a generated profile the API refuses is left out, never half-written
    assert again == 0


async def test_a_demo_seeker_reads_their_own_profile_with_matching_consent(
    matching_settings: MatchingSettings, matching_client: httpx.AsyncClient, token: Token
) -> None:
    await load_demo_seekers(matching_settings, n=5)

    response = await matching_client.get(f"/v1/seekers/{demo_id(0)}", headers=token("seeker", demo_id(0)))

    assert response.status_code == 200, response.text
    consents = await matching_client.get(
        f"/v1/seekers/{demo_id(0)}/consents", headers=token("seeker", demo_id(0))
    )
    assert [c["purpose"] for c in consents.json() if c["withdrawn_at"] is None] == ["matching"]
