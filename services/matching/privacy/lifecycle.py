"""At start: the retention sweep on its period (MATCHING_PRIVACY__SWEEP_EVERY_SECONDS); at stop: ended.

Tests may set `app.state.privacy_settings` before the lifespan runs, and call
`app.state.privacy_sweeper.run_once()` themselves (with the sweep disabled)."""

import logging
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import Clock
from services.kit.periodic import PeriodicTask
from services.matching.privacy.config import PrivacySettings, get_privacy_settings
from services.matching.privacy.retention import SweepReport, sweep
from services.matching.seekers.crypto import FieldCipher, get_cipher


class RetentionSweeper(PeriodicTask[SweepReport]):
    what = "retention sweep"
    task_name = "privacy-retention-sweep"
    log = logging.getLogger("lingong.privacy")

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        cipher: Callable[[], FieldCipher],
        settings: PrivacySettings,
    ) -> None:
        super().__init__()
        self.sessionmaker, self.clock, self.cipher, self.settings = sessionmaker, clock, cipher, settings

    async def run_once(self) -> SweepReport:
        return await sweep(self.sessionmaker, self.cipher(), self.settings, self.clock.now())

    def report(self, result: SweepReport) -> None:
        if result.notified or result.erased or result.kept or any(result.purged.values()):
            self.log.info("retention sweep", extra=result.as_dict())


async def start(app: FastAPI) -> None:
    state = app.state
    settings = getattr(state, "privacy_settings", None)
    if not isinstance(settings, PrivacySettings):
        settings = state.privacy_settings = get_privacy_settings()

    def cipher() -> FieldCipher:  # the seekers part builds it at start, after this part
        found = getattr(state, "seekers_cipher", None)
        return found if isinstance(found, FieldCipher) else get_cipher()

    sweeper = state.privacy_sweeper = RetentionSweeper(state.sessionmaker, state.clock, cipher, settings)
    if settings.sweep_enabled:
        sweeper.start(settings.sweep_every_seconds)


async def stop(app: FastAPI) -> None:
    sweeper = getattr(app.state, "privacy_sweeper", None)
    if isinstance(sweeper, RetentionSweeper):
        await sweeper.stop()
