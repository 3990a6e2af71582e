"""The demo seeker `make run`'s banner names has matches to show when there is work in 济南's centre."""

import httpx

from services.matching.config import MatchingSettings
from services.matching.demo import demo_id, load_demo_seekers
from tests.matching.serving.conftest import Feed, Token


async def test_the_bannered_demo_seeker_is_matched_with_work_in_jinan(
    matching_settings: MatchingSettings, client: httpx.AsyncClient, feed: Feed, token: Token
) -> None:
    posted = await feed.post("仓库装卸工", km=8.0)  # the feed's postings lie north of 历下区
    await load_demo_seekers(matching_settings, n=3)

    response = await client.get(f"/v1/seekers/{demo_id(0)}/matches", headers=token("seeker", demo_id(0)))

    assert response.status_code == 200, response.text
    assert [m["posting_id"] for m in response.json()["items"]] == [posted["id"]]
