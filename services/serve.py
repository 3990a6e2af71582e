"""`lingong serve`: both services in one process on the embedded default."""

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn
from sqlalchemy import func, select

from services.kit.auth import mint_token
from services.kit.db import build_engine
from services.kit.server import Server
from services.matching.config import MatchingSettings
from services.matching.config import get_settings as matching_settings
from services.matching.demo import DemoProgress, demo_id, load_demo_seekers
from services.matching.main import create_app as create_matching
from services.postings.config import PostingsSettings
from services.postings.config import get_settings as postings_settings
from services.postings.demo_loader import DEMO_SOURCE, load_demo
from services.postings.feed.models import OutboxEvent
from services.postings.main import create_app as create_postings

log = logging.getLogger("lingong.serve")

BANNER = """
lingong is running on the embedded default (SQLite).
  postings service  http://{host}:{pp}   (API docs: http://{host}:{pp}/docs)
  matching service  http://{host}:{mp}   (API docs: http://{host}:{mp}/docs)

Station console (staff): http://{host}:{mp}/console/login  (click 演示登录, or paste a staff token)

Tokens for trying the API (embedded local key; never in production):
  .venv/bin/lingong dev-token --role employer --sub demo-employer
  .venv/bin/lingong dev-token --role seeker   --sub {seeker}   (then GET /v1/seekers/{seeker}/matches)
  .venv/bin/lingong dev-token --role staff    --sub demo-staff --station st-001 --county 370102
  .venv/bin/lingong dev-token --role service  --sub matching
  .venv/bin/lingong dev-token --role admin    --sub demo-admin
Then: curl -H "Authorization: Bearer $TOKEN" http://{host}:{pp}/v1/postings
An employer token that owns the demo employers and postings (valid 8 h; try
GET http://{host}:{mp}/v1/postings/ID/candidates with it):
  {token}
"""
CATCH_UP_POLL = 0.5  # seconds between looks at the matching engine while the demo settles
SLOW_CATCH_UP = 60.0  # seconds after which a matching service still behind is pointed out


def _say(line: str) -> None:
    print(line, flush=True)


@dataclass(frozen=True)
class DemoSize:
    postings: int = 3000
    seekers: int = 300


def loopback(host: str) -> str:
    """Where this machine reaches a server bound to `host`."""
    if host in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def follow_postings_at(settings: MatchingSettings, host: str, postings_port: int) -> MatchingSettings:
    """Matching follows the postings service started beside it, unless MATCHING_POSTINGS_URL says where."""
    if os.environ.get("MATCHING_POSTINGS_URL"):
        return settings
    return settings.model_copy(update={"postings_url": f"http://{loopback(host)}:{postings_port}"})


def follow_matching_at(settings: PostingsSettings, host: str, matching_port: int) -> PostingsSettings:
    """Postings asks the matching service started beside it whom staff reach, unless
    POSTINGS_MATCHING__URL says where."""
    if os.environ.get("POSTINGS_MATCHING__URL"):
        return settings
    peer = settings.matching.model_copy(update={"url": f"http://{loopback(host)}:{matching_port}"})
    return settings.model_copy(update={"matching": peer})


class Serving:
    """Both services' servers, the banner, and the demo loaded beside them when asked for."""

    def __init__(
        self,
        host: str,
        postings_port: int,
        matching_port: int,
        *,
        demo: bool,
        postings: PostingsSettings | None = None,
        matching: MatchingSettings | None = None,
        demo_size: DemoSize = DemoSize(),
        say: Callable[[str], None] = _say,
    ) -> None:
        self.host, self.ports = host, (postings_port, matching_port)
        self.postings_settings = follow_matching_at(postings or postings_settings(), host, matching_port)
        self.matching_settings = follow_postings_at(matching or matching_settings(), host, postings_port)
        self.postings_app = create_postings(self.postings_settings)
        self.matching_app = create_matching(self.matching_settings)
        self.servers = [
            Server(uvicorn.Config(app, host=host, port=port, log_config=None))
            for app, port in ((self.postings_app, postings_port), (self.matching_app, matching_port))
        ]
        self.demo = DemoProgress() if demo else None
        self.matching_app.state.demo_progress = self.demo
        self.demo_size, self.say = demo_size, say
        self._demo_task: asyncio.Task[None] | None = None

    def banner(self) -> str:
        # The demo's employers are owned by the account that imported them.
        auth = self.postings_settings.auth
        token = mint_token(auth, "employer", f"import:{DEMO_SOURCE}", ttl=8 * 3600)
        pp, mp = self.ports
        return BANNER.format(host=self.host, pp=pp, mp=mp, token=token, seeker=demo_id(0))

    async def run(self) -> None:
        self.say(self.banner())
        tasks = [asyncio.create_task(s.serve()) for s in self.servers]
        if self.demo is not None:
            # Loaded through the importer in small batches while the services already answer.
            self.say("loading demo data in the background; a line will say when it is ready")
            self._demo_task = asyncio.create_task(self._load_demo())
        try:
            await asyncio.gather(*tasks)
        finally:
            await self._stop_demo()

    def stop(self) -> None:
        for server in self.servers:
            server.should_exit = True

    async def _stop_demo(self) -> None:
        task, self._demo_task = self._demo_task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _load_demo(self) -> None:
        try:
            await self._load_demo_steps()
        except Exception:
            assert self.demo is not None
            self.demo.failed()
            log.exception("the demo data could not be loaded")
            self.say("the demo data could not be loaded (see the log above); the services keep running")

    async def _load_demo_steps(self) -> None:
        assert self.demo is not None
        loaded = await load_demo(self.postings_settings, n_postings=self.demo_size.postings)
        if loaded:
            self.say(f"demo postings loaded: {loaded}")
        seekers = await load_demo_seekers(self.matching_settings, n=self.demo_size.seekers)
        self.demo.seekers = "ready"
        if seekers:
            self.say(f"demo seekers registered: {seekers} (ids {demo_id(0)} …)")
        await self._until_matching_holds(await self._feed_head())
        self.demo.postings = "ready"
        engine = self.matching_app.state.matching_engine
        async with self.matching_app.state.sessionmaker() as session:  # the candidate pool, at once
            await engine.sync_seekers(session, self.matching_app.state.clock.now())
        held = engine.status()
        mp = self.ports[1]
        self.say(
            f"demo ready: the matching engine holds {held['postings']} open postings and "
            f"{held['seekers']} seekers; try GET http://{self.host}:{mp}/v1/seekers/{demo_id(0)}/matches"
        )

    async def _feed_head(self) -> int:
        engine = build_engine(self.postings_settings)
        try:
            async with engine.connect() as conn:
                return int(await conn.scalar(select(func.coalesce(func.max(OutboxEvent.seq), 0))) or 0)
        finally:
            await engine.dispose()

    async def _until_matching_holds(self, head: int) -> None:
        """Wait until the matching engine is ready and its replica has applied the feed up to `head`."""
        state = self.matching_app.state
        waited, warned = 0.0, False
        while True:
            engine = getattr(state, "matching_engine", None)
            consumer = getattr(state, "replica_consumer", None)
            followed = consumer is None or (consumer.position or 0) >= head
            if engine is not None and engine.state.value == "ready" and followed:
                return
            if waited >= SLOW_CATCH_UP and not warned:
                warned = True
                self.say(
                    "matching has not caught up with the postings feed yet: "
                    f"see GET http://{self.host}:{self.ports[1]}/v1/replica/status"
                )
            await asyncio.sleep(CATCH_UP_POLL)
            waited += CATCH_UP_POLL


async def serve_both(
    host: str,
    postings_port: int,
    matching_port: int,
    *,
    demo: bool,
    log_json: bool = True,
    demo_size: DemoSize = DemoSize(),
) -> None:
    postings = postings_settings().model_copy(update={"log_json": log_json})
    matching = matching_settings().model_copy(update={"log_json": log_json})
    await Serving(
        host,
        postings_port,
        matching_port,
        demo=demo,
        postings=postings,
        matching=matching,
        demo_size=demo_size,
    ).run()
