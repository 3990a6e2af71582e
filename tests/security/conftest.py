"""One world per module: both services on their own fresh databases, matching following postings' feed
and calling it over HTTP (ASGI transports, no sockets), rate limits off (the matrix calls far more
than one principal's budget), the clock at five in the morning in Shanghai on the run's own day."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings, RateLimitSettings
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching
from services.matching.ranking.text import TextEncoder
from services.matching.referrals.config import ReferralSettings
from services.matching.replica.config import ReplicaSettings
from services.matching.serving import loading
from services.postings.config import PostingsSettings
from services.postings.main import create_app as create_postings
from tests import databases
from tests.conftest import LifespanApp, ask_matching, client_for
from tests.matching.ranking.conftest import keyword_predictor
from tests.security.world import World


def morning() -> datetime:
    """05:00 in Shanghai (21:00 UTC the day before) on the day the run happens."""
    today = datetime.now(UTC).replace(hour=21, minute=0, second=0, microsecond=0)
    return today if today <= datetime.now(UTC) else today - timedelta(days=1)


@pytest.fixture(scope="module")
async def world(
    templates: dict[str, Path] | None,
    pg_databases: databases.PgDatabases,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[World]:
    made: list[str] = []
    directory = tmp_path_factory.mktemp("matrix")

    async def database(service: str) -> str:
        if templates is None:
            name, url = await pg_databases.create(service)
            made.append(name)
            return url
        return databases.sqlite_copy(templates[service], directory, service)

    auth = AuthSettings()
    limits = RateLimitSettings(enabled=False)
    clock = ManualClock(morning())
    patch = pytest.MonkeyPatch()
    patch.setattr(loading, "default_encoder", lambda: TextEncoder(keyword_predictor))
    postings_settings = PostingsSettings(
        database_url=await database("postings"), auth=auth, rate_limit=limits
    )
    matching_settings = MatchingSettings(
        database_url=await database("matching"), auth=auth, rate_limit=limits
    )
    postings_app = create_postings(postings_settings, clock, background=False)
    try:
        async with LifespanApp(postings_app) as p_app:
            matching_app = create_matching(matching_settings, clock)
            matching_app.state.replica_settings = ReplicaSettings(
                page_size=200, poll_wait_seconds=1, backoff_base_seconds=0.05
            )
            matching_app.state.referral_settings = ReferralSettings(max_attempts=2, backoff_seconds=0)
            matching_app.state.postings_transport = httpx.ASGITransport(app=p_app)
            matching_app.state.text_encoder = TextEncoder(keyword_predictor)
            await ask_matching(p_app, matching_app)
            async with LifespanApp(matching_app) as m_app, client_for(p_app) as p, client_for(m_app) as m:
                await m_app.state.matching_engine.wait_ready(10)
                built = World(p, m, p_app, m_app, clock, auth, clock.now())
                await built.build()
                yield built
    finally:
        patch.undo()
        for name in made:
            await pg_databases.release(name)
