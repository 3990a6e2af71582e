"""The feed read from NATS JetStream (MATCHING_REPLICA__TRANSPORT=jetstream) instead of the HTTP poll.

A durable pull consumer on the relay's stream hands out pages; the replica consumer applies each page
in one transaction (`apply_page`, idempotent by feed `seq` and version) and only then `acknowledge`s
it. Pages must come in stream order: a message the server redelivers late (its first delivery went to
a connection that died) must not arrive after later ones were applied past it. So on every connect the
durable consumer, if it still has unacknowledged deliveries, is made again from its ack floor (all
acknowledged messages are committed ones), and a delivery that skips a stream sequence drops the
connection to do the same. Anything delivered twice is applied once: its feed `seq` is at or below
the replica's cursor.
"""

import json
import logging

import nats
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from services.kit.periodic import raise_if_cancelled
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.schemas import FeedPageIn

log = logging.getLogger("lingong.replica.jetstream")

QUICK_FETCH_SECONDS = 0.2  # a fetch "without waiting" still needs a round trip to the server


class StreamGap(Exception):
    """A delivery skipped a stream sequence: an earlier message is still out for redelivery."""


class JetStreamFeed:
    """Pages of feed events from a durable JetStream pull consumer; open once, `aclose` at the end."""

    def __init__(self, settings: ReplicaSettings) -> None:
        self.settings = settings
        self._nc: NATS | None = None
        self._sub: JetStreamContext.PullSubscription | None = None
        self._expected: int | None = None  # the stream sequence the next new message must have
        self._unacked: list[Msg] = []

    async def read_feed(self, after: int, *, limit: int, wait: float = 0.0) -> FeedPageIn:
        """The next page (`after` is the replica's cursor; the durable consumer knows the position)."""
        if self._unacked:  # the last page was not applied: start again from the ack floor
            await self.aclose()
        sub = await self._subscription()
        try:
            msgs = await sub.fetch(limit, timeout=max(wait, QUICK_FETCH_SECONDS))
        except TimeoutError:  # nothing came (nats-py raises its own subclass or the builtin)
            msgs = []
        raise_if_cancelled()
        events = []
        for msg in sorted(msgs, key=lambda m: m.metadata.sequence.stream):
            stream_seq = msg.metadata.sequence.stream
            if self._expected is not None and stream_seq > self._expected:
                self._unacked = msgs
                raise StreamGap(f"stream sequence {stream_seq} came before {self._expected}")
            if self._expected is None or stream_seq == self._expected:
                self._expected = stream_seq + 1
            events.append(json.loads(msg.data))
        self._unacked = msgs
        newest = max((int(e["seq"]) for e in events), default=after)
        return FeedPageIn(events=events, next=max(after, newest))

    async def acknowledge(self) -> None:
        """The page is committed: acknowledge its messages, and wait until the server has them."""
        msgs, self._unacked = self._unacked, []
        for msg in msgs:
            await msg.ack()
        if msgs and self._nc is not None:
            await self._nc.flush()
        raise_if_cancelled()

    async def aclose(self) -> None:
        nc, self._nc, self._sub = self._nc, None, None
        self._unacked, self._expected = [], None
        if nc is not None and not nc.is_closed:
            try:
                await nc.close()
            except Exception:  # noqa: BLE001 - a broken connection is being dropped anyway
                log.debug("closing the NATS connection failed")

    async def _subscription(self) -> JetStreamContext.PullSubscription:
        if self._sub is None:
            s = self.settings
            nc = await nats.connect(s.jetstream_url, allow_reconnect=False, connect_timeout=5)
            self._nc = nc
            js = nc.jetstream()
            self._expected = await _clean_durable(js, s)
            self._sub = await js.pull_subscribe_bind(durable=s.jetstream_durable, stream=s.jetstream_stream)
        return self._sub


async def _clean_durable(js: JetStreamContext, s: ReplicaSettings) -> int | None:
    """Make sure the durable consumer has nothing out for delivery; the stream sequence it goes on from.

    None for a consumer made just now (nothing of it can be out anywhere): it starts at the stream's start.
    """
    try:
        info = await js.consumer_info(s.jetstream_stream, s.jetstream_durable)
    except NotFoundError:
        info = None
    if info is not None and info.num_ack_pending == 0:
        return (info.delivered.stream_seq if info.delivered else 0) + 1
    floor = 0
    if info is not None:
        floor = (info.ack_floor.stream_seq if info.ack_floor else 0) or 0
        await js.delete_consumer(s.jetstream_stream, s.jetstream_durable)
        log.info("replica consumer made again from its ack floor", extra={"floor": floor})
    config = ConsumerConfig(
        durable_name=s.jetstream_durable,
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE if floor else DeliverPolicy.ALL,
        opt_start_seq=floor + 1 if floor else None,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=s.jetstream_ack_wait_seconds,
        max_ack_pending=max(s.page_size * 2, 1000),
        inactive_threshold=s.jetstream_inactive_hours * 3600,
    )
    await js.add_consumer(s.jetstream_stream, config)
    if not floor:
        return None
    first = (await js.stream_info(s.jetstream_stream)).state.first_seq
    return max(floor + 1, first)
