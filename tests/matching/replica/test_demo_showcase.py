"""The banner's seeker (`demo-seeker-0000`) on the demo data: their first look shows postings of the
occupation they wished for, each with its reasons.

The demo postings within reach of the seeker are loaded through the importer into a real postings
service, followed by the matching service's replica, and the seeker is registered by the demo loader.
"""

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from services.matching.config import MatchingSettings
from services.matching.demo import SHOWCASE_COUNTY, SHOWCASE_WISH, demo_id, load_demo_seekers
from services.postings.config import PostingsSettings
from services.postings.demo_loader import load_demo
from services.reference.geo import counties, haversine_km

Token = Callable[..., dict[str, str]]
REACH_KM = 40  # well past an hour by bus: nothing the seeker could match is left out


def _near_the_showcase(record: dict[str, Any]) -> bool:
    centre = counties()[SHOWCASE_COUNTY]
    return (
        haversine_km(centre.lat, centre.lng, record["location"]["lat"], record["location"]["lng"]) < REACH_KM
    )


async def _replica_cursor(client: httpx.AsyncClient, token: Token) -> int:
    status = await client.get("/v1/replica/status", headers=token("service", "matching"))
    return int(status.json()["cursor"])


async def test_the_banners_seeker_sees_postings_of_the_occupation_they_want_first_with_reasons(
    postings: httpx.AsyncClient,
    live_matching: httpx.AsyncClient,
    postings_app: Any,
    matching_settings: MatchingSettings,
    token: Token,
) -> None:
    settings: PostingsSettings = postings_app.state.settings
    loaded = await load_demo(settings, where=_near_the_showcase)
    await load_demo_seekers(matching_settings, n=1)
    head = await postings.get("/v1/feed", params={"after": 0, "limit": 5000}, headers=token("service", "m"))
    for _ in range(600):
        if await _replica_cursor(live_matching, token) >= head.json()["next"]:
            break
        await asyncio.sleep(0.1)
    for _ in range(1200):  # the coder trains in the background first: slow on a loaded machine
        status = await live_matching.get("/v1/matching/status", headers=token("service", "m"))
        if status.json()["state"] == "ready":
            break
        await asyncio.sleep(0.1)
    me = token("seeker", demo_id(0))

    matches = await live_matching.get(f"/v1/seekers/{demo_id(0)}/matches", params={"top_k": 5}, headers=me)

    assert loaded > 0
    assert matches.status_code == 200, matches.text
    first = matches.json()["items"]
    assert len(first) == 5
    wanted = SHOWCASE_WISH[1]
    for match in first:
        posting = await postings.get(f"/v1/postings/{match['posting_id']}", headers=me)
        assert posting.json()["occupation_code"] == wanted, (
            match["title"],
            posting.json()["occupation_code"],
        )
        assert match["reasons"], match
