"""While the occupation coder loads, the non-personalised list is served: it is recorded too."""

import asyncio
import threading
from collections.abc import Iterator

import pytest

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from services.matching.impressions.config import ImpressionSettings
from services.matching.main import create_app
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from services.matching.serving import loading
from services.matching.serving.config import ServingSettings
from services.matching.serving.engine import EngineState, MatchingEngine
from tests.conftest import LifespanApp, client_for
from tests.matching.impressions.conftest import written
from tests.matching.ranking.conftest import keyword_predictor
from tests.matching.serving.conftest import Feed, Token, register


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The occupation coder takes until this is set (at most 30 s)."""
    done = threading.Event()

    def slow_coder() -> TextEncoder:
        done.wait(30)
        return TextEncoder(keyword_predictor)

    monkeypatch.setattr(loading, "default_encoder", slow_coder)
    yield done
    done.set()


async def test_the_non_personalised_list_is_recorded_as_popular(
    matching_settings: MatchingSettings, clock: ManualClock, release: threading.Event, token: Token
) -> None:
    app = create_app(matching_settings, clock)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    app.state.serving_settings = ServingSettings(warming_after_seconds=0)
    app.state.impression_settings = ImpressionSettings(flush_seconds=3600)
    async with LifespanApp(app) as running, client_for(running) as client:
        engine: MatchingEngine = running.state.matching_engine
        for _ in range(500):
            if engine.state == EngineState.WARMING:
                break
            await asyncio.sleep(0.01)
        feed = Feed(running)
        await feed.employer()
        job = await feed.post("仓库装卸工", km=1.0)
        me = await register(client, token, "seeker-pop-1")
        nearby = (await client.get("/v1/seekers/seeker-pop-1/matches", headers=me)).json()
        rows = await written(running)
        release.set()

    assert nearby["personalised"] is False
    assert [(r.surface, str(r.posting_id), r.position, r.seeker_id) for r in rows] == [
        ("popular", job["id"], 1, "seeker-pop-1")
    ]
    assert rows[0].features is None
