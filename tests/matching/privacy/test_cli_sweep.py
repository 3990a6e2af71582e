"""`lingong privacy sweep`, run as a real process on the test's database (for cron)."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import httpx

from services.kit.clock import ManualClock
from services.matching.config import MatchingSettings
from tests.matching.privacy.conftest import Token, register_full


def sweep_at(settings: MatchingSettings, when: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "MATCHING_DATABASE_URL": settings.database_url,
        "MATCHING_PRIVACY__INACTIVE_DAYS": "365",
    }
    return subprocess.run(
        [sys.executable, "-m", "services.cli", "privacy", "sweep", "--now", when],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


async def test_the_command_notifies_then_erases_and_prints_what_it_did(
    matching: httpx.AsyncClient, token: Token, matching_settings: MatchingSettings, fixed_clock: ManualClock
) -> None:
    me = await register_full(matching, token, "seeker-1")
    year_later = fixed_clock.now() + timedelta(days=366)

    first = sweep_at(matching_settings, year_later.isoformat())
    second = sweep_at(matching_settings, (year_later + timedelta(days=31)).isoformat())

    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout.splitlines()[-1])["notified"] == 1
    assert json.loads(second.stdout.splitlines()[-1])["erased"] == 1
    assert (await matching.get("/v1/seekers/me", headers=me)).status_code == 404


def test_a_time_without_its_offset_is_refused(matching_settings: MatchingSettings) -> None:
    result = sweep_at(matching_settings, "2027-01-01T00:00:00")

    assert result.returncode == 2
    assert "offset" in result.stderr
