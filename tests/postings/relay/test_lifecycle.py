"""The relay runs with the postings service when configured: a change made over HTTP reaches the stream."""

import asyncio
import json
import time
from collections.abc import Callable

import nats

from services.kit.clock import ManualClock
from services.postings.config import PostingsSettings
from services.postings.main import create_app
from services.postings.relay.config import RelaySettings
from tests.conftest import LifespanApp, client_for
from tests.jetstream import NATS_URL
from tests.postings.factories import create_employer

Token = Callable[..., dict[str, str]]


async def _first_message(stream: str, timeout: float = 10) -> tuple[str, dict[str, object]]:
    nc = await nats.connect(NATS_URL)
    try:
        js = nc.jetstream()
        deadline = time.monotonic() + timeout
        while (await js.stream_info(stream)).state.messages == 0:
            assert time.monotonic() < deadline, "nothing reached the stream"
            await asyncio.sleep(0.05)
        msg = await js.get_msg(stream, seq=1)
        return msg.subject, json.loads(msg.data or b"{}")
    finally:
        await nc.close()


async def test_an_employer_registered_over_http_reaches_the_stream_under_its_county(
    postings_settings: PostingsSettings, relay_settings: RelaySettings, clock: ManualClock, token: Token
) -> None:
    relay = relay_settings.model_copy(update={"enabled": True})
    settings = postings_settings.model_copy(update={"relay": relay})
    async with LifespanApp(create_app(settings, clock, background=False)) as app, client_for(app) as client:
        employer = await create_employer(client, token("employer", "u-employer"))
        subject, event = await _first_message(relay_settings.stream)

    assert subject == f"{relay_settings.subject_prefix}.employer.created.{employer['county_adcode']}"
    assert (event["seq"], event["aggregate_id"]) == (1, employer["id"])


async def test_the_relay_is_off_unless_configured(
    postings_settings: PostingsSettings, clock: ManualClock
) -> None:
    async with LifespanApp(create_app(postings_settings, clock, background=False)) as app:
        assert app.state.feed_relay is None
