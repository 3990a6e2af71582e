"""The relay against a real NATS JetStream server: subjects, order, de-duplication, resuming."""

import json

import nats

from services.kit.clock import ManualClock
from services.postings.relay.config import RelaySettings
from services.postings.relay.relay import FeedRelay, ensure_stream, last_relayed, subject
from tests.jetstream import NATS_URL, Db, write_events

EMPLOYER = {"id": "e1", "county_adcode": "370102", "version": 1}
POSTING = {"id": "p1", "location": {"county_adcode": "370181"}, "version": 1}


def test_a_subject_names_the_event_type_and_the_county() -> None:
    assert subject("posting.published", POSTING) == "lingong.feed.posting.published.370181"
    assert subject("employer.created", EMPLOYER) == "lingong.feed.employer.created.370102"
    assert subject("reliability.worker", {"seeker": "s1"}) == "lingong.feed.reliability.worker.none"
    assert subject("posting.up*dated", {"county_adcode": "37 01"}) == "lingong.feed.posting._.none"


async def _stream_messages(settings: RelaySettings) -> list[tuple[str, dict[str, object]]]:
    nc = await nats.connect(NATS_URL)
    try:
        js = nc.jetstream()
        last = (await js.stream_info(settings.stream)).state.last_seq
        out = []
        for seq in range(1, last + 1):
            msg = await js.get_msg(settings.stream, seq=seq)
            out.append((msg.subject, json.loads(msg.data or b"{}")))
        return out
    finally:
        await nc.close()


async def _relay_all(relay: FeedRelay) -> None:
    nc = await nats.connect(relay.settings.url)
    try:
        js = nc.jetstream()
        await ensure_stream(js, relay.settings)
        relay.position = await last_relayed(js, relay.settings.stream)
        while await relay.relay_batch(js):
            pass
    finally:
        await nc.close()


async def test_the_relay_publishes_the_outbox_in_order_with_subjects_per_type_and_county(
    outbox_db: Db, clock: ManualClock, relay_settings: RelaySettings
) -> None:
    await write_events(
        outbox_db, clock, [("employer.created", "e1", EMPLOYER), ("posting.published", "p1", POSTING)]
    )

    await _relay_all(FeedRelay(outbox_db, relay_settings))

    stored = await _stream_messages(relay_settings)
    prefix = relay_settings.subject_prefix
    assert [(s, m["seq"], m["type"]) for s, m in stored] == [
        (f"{prefix}.employer.created.370102", 1, "employer.created"),
        (f"{prefix}.posting.published.370181", 2, "posting.published"),
    ]
    assert stored[1][1]["data"] == POSTING


async def test_publishing_the_same_seq_twice_stores_one_message(
    outbox_db: Db, clock: ManualClock, relay_settings: RelaySettings
) -> None:
    await write_events(outbox_db, clock, [("employer.created", f"e{i}", EMPLOYER) for i in range(5)])
    await _relay_all(FeedRelay(outbox_db, relay_settings))

    again = FeedRelay(outbox_db, relay_settings)
    nc = await nats.connect(NATS_URL)
    try:
        again.position = 0  # as if the stream's answer had been lost: every event is sent again
        await again.relay_batch(nc.jetstream())
    finally:
        await nc.close()

    assert again.published == 0
    assert [m["seq"] for _, m in await _stream_messages(relay_settings)] == [1, 2, 3, 4, 5]


async def test_a_new_relay_resumes_after_the_last_message_the_stream_holds(
    outbox_db: Db, clock: ManualClock, relay_settings: RelaySettings
) -> None:
    await write_events(outbox_db, clock, [("employer.created", f"e{i}", EMPLOYER) for i in range(3)])
    await _relay_all(FeedRelay(outbox_db, relay_settings))
    await write_events(outbox_db, clock, [("employer.updated", f"e{i}", EMPLOYER) for i in range(2)])

    second = FeedRelay(outbox_db, relay_settings)
    await _relay_all(second)

    assert second.published == 2
    assert [m["seq"] for _, m in await _stream_messages(relay_settings)] == [1, 2, 3, 4, 5]
