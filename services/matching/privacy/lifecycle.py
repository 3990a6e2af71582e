"""At start: the retention sweep on its period (MATCHING_PRIVACY__SWEEP_EVERY_SECONDS) and the delivery
of erasures to the postings service (MATCHING_PRIVACY__ERASURE_DELIVERY_EVERY_SECONDS); the feed's
folding learns the pseudonym of erased seekers; at stop: ended.

Tests may set `app.state.privacy_settings` before the lifespan runs, and call
`app.state.privacy_sweeper.run_once()` or `app.state.erasure_courier.run_once()` themselves (with the
tasks disabled)."""

import logging
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import Clock
from services.kit.periodic import PeriodicTask
from services.kit.tracing import counts_of, tracer_of
from services.matching.impressions.config import ImpressionSettings
from services.matching.outcomes.hooks import outcome_hooks
from services.matching.privacy.config import PrivacySettings, get_privacy_settings
from services.matching.privacy.delivery import DeliveryReport, deliver
from services.matching.privacy.deps import service_token
from services.matching.privacy.erasure import pseudonym_of
from services.matching.privacy.retention import SweepReport, sweep
from services.matching.referrals.client import PostingsActions
from services.matching.seekers.crypto import FieldCipher, get_cipher


class RetentionSweeper(PeriodicTask[SweepReport]):
    what = "retention sweep"
    task_name = "privacy-retention-sweep"
    span_name = "retention sweep"
    log = logging.getLogger("lingong.privacy")

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        cipher: Callable[[], FieldCipher],
        settings: PrivacySettings,
        impression_days: Callable[[], int | None] = lambda: None,
    ) -> None:
        super().__init__()
        self.sessionmaker, self.clock, self.cipher, self.settings = sessionmaker, clock, cipher, settings
        self.impression_days = impression_days

    async def run_once(self) -> SweepReport:
        now = self.clock.now()
        return await sweep(self.sessionmaker, self.cipher(), self.settings, now, self.impression_days())

    def work(self, result: SweepReport) -> dict[str, int] | None:
        counts = {
            "notified": result.notified,
            "kept": result.kept,
            "erased": result.erased,
            "gone": result.gone,
        }
        counts["purged"] = sum(result.purged.values())
        return {f"retention.{k}": v for k, v in counts_of(counts).items()} or None

    def report(self, result: SweepReport) -> None:
        if result.notified or result.erased or result.kept or any(result.purged.values()):
            self.log.info("retention sweep", extra=result.as_dict())


class ErasureCourier(PeriodicTask[DeliveryReport]):
    what = "erasure delivery"
    task_name = "privacy-erasure-delivery"
    span_name = "erasure delivery"
    log = logging.getLogger("lingong.privacy")

    def __init__(self, app: FastAPI, settings: PrivacySettings) -> None:
        super().__init__(tracer_of(app))
        self.app, self.settings = app, settings

    async def run_once(self) -> DeliveryReport:
        state = self.app.state
        postings = getattr(state, "postings_actions", None)  # opened by the referrals part
        return await deliver(
            state.sessionmaker,
            postings if isinstance(postings, PostingsActions) else None,
            service_token(self.app),
            self.settings,
            state.clock.now(),
        )

    def work(self, result: DeliveryReport) -> dict[str, int] | None:
        counts = counts_of({"delivered": result.delivered, "failed": result.failed})
        return {f"erasures.{k}": v for k, v in counts.items()} or None

    def report(self, result: DeliveryReport) -> None:
        if result.delivered or result.failed:
            self.log.info("erasures passed to the postings service", extra=result.as_dict())


async def start(app: FastAPI) -> None:
    state = app.state
    settings = getattr(state, "privacy_settings", None)
    if not isinstance(settings, PrivacySettings):
        settings = state.privacy_settings = get_privacy_settings()

    def cipher() -> FieldCipher:  # the seekers part builds it at start, after this part
        found = getattr(state, "seekers_cipher", None)
        return found if isinstance(found, FieldCipher) else get_cipher()

    def impression_days() -> int | None:  # the impressions part resolves its settings at start too
        found = getattr(state, "impression_settings", None)
        return found.retention_days if isinstance(found, ImpressionSettings) else None

    sweeper = state.privacy_sweeper = RetentionSweeper(
        state.sessionmaker, state.clock, cipher, settings, impression_days
    )
    sweeper.tracer = tracer_of(app)
    if state.background and settings.sweep_enabled:
        sweeper.start(settings.sweep_every_seconds)
    courier = state.erasure_courier = ErasureCourier(app, settings)
    if state.background and settings.erasure_delivery_enabled:
        courier.start(settings.erasure_delivery_every_seconds)

    outcome_hooks(app).pseudonym = lambda seeker_id: pseudonym_of(cipher(), seeker_id)


async def stop(app: FastAPI) -> None:
    sweeper = getattr(app.state, "privacy_sweeper", None)
    if isinstance(sweeper, RetentionSweeper):
        await sweeper.stop()
    courier = getattr(app.state, "erasure_courier", None)
    if isinstance(courier, ErasureCourier):
        await courier.stop()
