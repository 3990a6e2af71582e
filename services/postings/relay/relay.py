"""The relay: publishes every outbox event, in `seq` order, to NATS JetStream (at least once).

On every (re)connect it asks the stream for its last message and carries on after that message's feed
sequence, so a relay killed anywhere resumes without a gap. Each message's `Nats-Msg-Id` is the feed
`seq`: a message re-sent after a kill (published, but its acknowledgement lost) is dropped by
JetStream's duplicate window. Events are published one at a time, each acknowledged before the next,
so the stream holds the feed in order. Run one relay per stream.
"""

import asyncio
import logging
import random
import re
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.periodic import raise_if_cancelled
from services.kit.tracing import background_span
from services.postings.feed import service as feed
from services.postings.feed.models import OutboxEvent
from services.postings.feed.schemas import FeedEvent
from services.postings.feed.service import FeedNotifier
from services.postings.relay.config import RelaySettings

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

log = logging.getLogger("lingong.relay")
PUBLISH_ATTRIBUTES = {"messaging.system": "nats", "messaging.operation.type": "send"}

SEQ_HEADER = "Lingong-Seq"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
_ADCODE = re.compile(r"^\d{6}$")
Sleep = Callable[[float], Awaitable[None]]


def subject(event_type: str, data: dict[str, Any], prefix: str = "lingong.feed") -> str:
    """`lingong.feed.<event type>.<county adcode or "none">`, e.g. lingong.feed.posting.published.370102.

    The county is the snapshot's own `county_adcode` (employers) or its location's (postings)."""
    tokens = [t if _TOKEN.match(t) else "_" for t in event_type.split(".")]
    location = data.get("location")
    county = data.get("county_adcode") or (
        location.get("county_adcode") if isinstance(location, dict) else None
    )
    where = county if isinstance(county, str) and _ADCODE.match(county) else "none"
    return ".".join([prefix, *tokens, where])


def message(row: OutboxEvent, prefix: str = "lingong.feed") -> tuple[str, bytes, dict[str, str]]:
    """Subject, body (the event exactly as `GET /v1/feed` serves it) and headers of one outbox row."""
    headers = {
        "Nats-Msg-Id": str(row.seq),
        SEQ_HEADER: str(row.seq),
        "Lingong-Type": row.type,
        "Lingong-Schema-Version": str(row.schema_version),
    }
    if row.traceparent:  # also in the body; as a header for NATS tooling that reads W3C context there
        headers["traceparent"] = row.traceparent
    payload = FeedEvent.model_validate(row, from_attributes=True).model_dump_json().encode()
    return subject(row.type, row.data, prefix), payload, headers


async def ensure_stream(js: JetStreamContext, settings: RelaySettings) -> None:
    """Create the stream if it is missing (file storage, every `lingong.feed.>` subject)."""
    try:
        await js.stream_info(settings.stream)
    except NotFoundError:
        config = StreamConfig(
            name=settings.stream,
            subjects=[f"{settings.subject_prefix}.>"],
            duplicate_window=settings.duplicate_window_seconds,
        )
        await js.add_stream(config)
        log.info("created the feed stream", extra={"stream": settings.stream})


async def last_relayed(js: JetStreamContext, stream: str) -> int:
    """The feed `seq` of the stream's last message (0 for an empty stream)."""
    info = await js.stream_info(stream)
    if info.state.last_seq == 0 or info.state.messages == 0:
        return 0
    last = await js.get_msg(stream, seq=info.state.last_seq)
    return int((last.headers or {}).get(SEQ_HEADER, 0))


class FeedRelay:
    """A background task relaying the outbox; `stop()` cancels it and closes its connection."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: RelaySettings,
        notifier: FeedNotifier | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        tracer: "Tracer | None" = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.notifier = notifier
        self.position: int | None = None  # the feed seq the stream is known to hold up to
        self.published = 0  # messages JetStream stored (duplicates not counted)
        self.failures = 0
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._task: asyncio.Task[None] | None = None
        self._nc: NATS | None = None
        self._seen = 0  # the notifier's generation when the outbox was last read
        self.tracer = tracer  # None: tracing is off

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run(), name="feed-relay")

    async def stop(self) -> None:
        task, self._task = self._task, None
        while task is not None and not task.done():
            task.cancel()  # again if a library swallowed the first one
            await asyncio.wait({task}, timeout=1)
        await self._close()

    async def run(self) -> None:
        """Connect, resume and relay until cancelled; on any error close, back off and start again."""
        while True:
            try:
                js = await self._connect()
                self.position = await last_relayed(js, self.settings.stream)
                while True:
                    if await self.relay_batch(js) == 0:
                        await self._idle()
                    self.failures = 0
                    raise_if_cancelled()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - whatever failed, back off and resume from the stream
                raise_if_cancelled()
                await self._close()
                await self._back_off(exc)

    async def relay_batch(self, js: JetStreamContext) -> int:
        """Publish the next batch of outbox events after `position`; how many were read.

        With tracing on, a batch that published anything is one `feed publish` span, linked to the trace
        of every event in it (the request that wrote it); an empty read makes none."""
        after = self.position or 0
        self._seen = self.notifier.generation if self.notifier is not None else 0  # before the read
        with background_span(self.tracer, "feed publish", attributes=PUBLISH_ATTRIBUTES) as span:
            async with self.sessionmaker() as session:
                rows = await feed.read_after(session, after, self.settings.batch_size)
                messages = [(row.seq, *message(row, self.settings.subject_prefix)) for row in rows]
                for row in rows:
                    span.link(row.traceparent, row.tracestate)
            stored = 0
            for seq, subj, payload, headers in messages:
                ack = await js.publish(
                    subj,
                    payload,
                    stream=self.settings.stream,
                    headers=headers,
                    timeout=self.settings.ack_timeout_seconds,
                )
                stored += 0 if ack.duplicate else 1
                self.published += 0 if ack.duplicate else 1
                self.position = seq
            if messages:
                span.did(**{"feed.published": stored, "feed.duplicates": len(messages) - stored})
        return len(messages)

    async def _connect(self) -> JetStreamContext:
        await self._close()
        self._nc = await nats.connect(
            self.settings.url, allow_reconnect=False, connect_timeout=5, max_reconnect_attempts=0
        )
        js = self._nc.jetstream()
        await ensure_stream(js, self.settings)
        return js

    async def _close(self) -> None:
        nc, self._nc = self._nc, None
        if nc is not None and not nc.is_closed:
            try:
                await nc.close()
            except Exception:  # noqa: BLE001 - a broken connection is being dropped anyway
                log.debug("closing the NATS connection failed")

    async def _idle(self) -> None:
        if self.notifier is None:
            await self._sleep(self.settings.idle_seconds)
        else:
            await self.notifier.wait(self._seen, self.settings.idle_seconds)  # commit since the read: at once

    async def _back_off(self, exc: Exception) -> None:
        self.failures += 1
        s = self.settings
        ceiling = min(s.backoff_max_seconds, s.backoff_base_seconds * float(2 ** min(self.failures - 1, 32)))
        delay = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        log.warning("feed relay backing off", extra={"error_type": type(exc).__name__, "delay_s": delay})
        await self._sleep(delay)


async def run_standalone(settings: RelaySettings) -> None:
    """`lingong relay`: the relay on its own, on the postings database, until SIGINT or SIGTERM."""
    from services.kit.db import build_engine, build_sessionmaker
    from services.kit.logging import configure_logging
    from services.kit.tracing import setup_tracing
    from services.postings.config import get_settings

    service = get_settings()
    configure_logging(service.log_level, service.log_json)
    engine = build_engine(service)
    tracing = setup_tracing(service.tracing, "postings")
    tracer = tracing.tracer if tracing is not None else None
    relay = FeedRelay(build_sessionmaker(engine), settings, tracer=tracer)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    relay.start()
    log.info("feed relay running", extra={"stream": settings.stream})
    try:
        await stopping.wait()
    finally:
        await relay.stop()
        await engine.dispose()
        if tracing is not None:
            tracing.shutdown()
