"""Dispatch's fixtures: serving's feed-driven matching app, with the clock at 05:00 in Shanghai."""

import pytest

from services.kit.clock import ManualClock
from tests.matching.dispatch.morning import MORNING
from tests.matching.serving.conftest import app, client, feed, staff  # noqa: F401


@pytest.fixture(autouse=True)
def fixed_clock(clock: ManualClock) -> ManualClock:
    clock.set(MORNING)
    return clock
