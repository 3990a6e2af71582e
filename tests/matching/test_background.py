"""The matching service's periodic sweeps run in a served app and stay off when a test asks."""

import pytest

from services.kit.clock import ManualClock
from services.kit.periodic import PeriodicTask
from services.matching.config import MatchingSettings
from services.matching.main import create_app
from services.matching.replica.config import ReplicaSettings
from tests.conftest import LifespanApp

SWEEPS = (
    "statistics_task",
    "impression_writer",
    "households_alerter",
    "outcomes_sweeper",
    "privacy_sweeper",
    "erasure_courier",
)


@pytest.mark.parametrize("background", [True, False])
async def test_the_sweeps_run_on_their_own_unless_the_app_is_made_without_background(
    matching_settings: MatchingSettings, clock: ManualClock, background: bool
) -> None:
    app = create_app(matching_settings, clock, background=background)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    async with LifespanApp(app) as running:
        tasks = {name: getattr(running.state, name) for name in SWEEPS}
        assert all(isinstance(task, PeriodicTask) for task in tasks.values())
        assert {name: task.running for name, task in tasks.items()} == dict.fromkeys(SWEEPS, background)
    assert not any(task.running for task in tasks.values())
