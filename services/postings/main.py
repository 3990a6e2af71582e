"""The postings service: employers, postings, shifts, imports, the gig lifecycle and the change feed."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout

from services.kit.app import create_service_app
from services.kit.clock import Clock
from services.kit.problems import ServiceBusy, problem_response
from services.kit.server import when_draining
from services.kit.tracing import tracer_of
from services.postings.access import reach
from services.postings.appeals.router import router as appeals_router
from services.postings.applications.router import router as applications_router
from services.postings.config import PostingsSettings, get_settings
from services.postings.database import IdempotencyKey
from services.postings.disputes.router import router as disputes_router
from services.postings.employers.router import router as employers_router
from services.postings.engagements.deadlines import DeadlineSweeper
from services.postings.engagements.router import router as engagements_router
from services.postings.engagements.shift_router import router as shift_lifecycle_router
from services.postings.erasure.router import router as erasure_router
from services.postings.erasure.sweeper import ErasureSweeper
from services.postings.expiry import ExpirySweeper
from services.postings.feed.partitions import PartitionKeeper
from services.postings.feed.router import router as feed_router
from services.postings.feed.service import FeedNotifier
from services.postings.imports.router import router as imports_router
from services.postings.notifications.dispatcher import NotificationDispatcher
from services.postings.notifications.router import router as notifications_router
from services.postings.notifications.sender import LogSender, Sender
from services.postings.postings.router import router as postings_router
from services.postings.ratings.router import router as ratings_router
from services.postings.relay import lifecycle as relay_lifecycle
from services.postings.reliability.router import router as reliability_router
from services.postings.shifts.router import router as shifts_router

DESCRIPTION = """
Jobs and gig work for Shandong's public employment service: employers post jobs and gigs with
shifts, data stewards import postings in bulk, seekers apply and book shifts, check in and out, and
confirm they were paid; the matching service follows every change through the feed. Errors are
RFC 9457 problems with a stable `code`; creating and state-changing POSTs take an `Idempotency-Key`;
updates take `If-Match`.
"""


async def _pool_exhausted(request: Request, exc: Exception) -> JSONResponse:
    """Every database connection stayed busy for the pool's whole timeout: a 503 to retry, not a 500."""
    busy = ServiceBusy("no database connection came free in time")
    body = busy.body(instance=request.url.path)
    body["request_id"] = request.scope.get("lingong.request_id")
    return problem_response(503, body, {"Retry-After": "1"})


def _close_feed(app: FastAPI) -> None:
    notifier: FeedNotifier | None = getattr(app.state, "feed_notifier", None)
    if notifier is not None:
        notifier.close()


def create_app(
    settings: PostingsSettings | None = None,
    clock: Clock | None = None,
    *,
    background: bool = True,
    sender: Sender | None = None,
) -> FastAPI:
    settings = settings or get_settings()

    async def start(app: FastAPI) -> None:
        app.state.feed_notifier = FeedNotifier()
        app.state.expiry = ExpirySweeper(app)
        app.state.deadlines = DeadlineSweeper(app)
        app.state.erasure = ErasureSweeper(app)
        app.state.notifications = NotificationDispatcher(app, sender or LogSender())
        app.state.partitions = PartitionKeeper(
            app.state.sessionmaker, app.state.clock, settings.outbox_partition_months_ahead
        )
        app.state.partitions.tracer = tracer_of(app)
        if background:
            app.state.partitions.start(settings.outbox_partition_check_seconds)
            app.state.expiry.start(settings.expiry_sweep_seconds)
            app.state.deadlines.start(settings.lifecycle.sweep_seconds)
            app.state.notifications.start(settings.lifecycle.notify_every_seconds)
            app.state.erasure.start(settings.erasure.sweep_seconds)

    async def stop(app: FastAPI) -> None:
        await app.state.erasure.stop()
        await app.state.notifications.stop()
        await app.state.deadlines.stop()
        await app.state.expiry.stop()
        await app.state.partitions.stop()

    app = create_service_app(
        name="postings",
        title="lingong postings service",
        description=DESCRIPTION,
        settings=settings,
        routers=[
            employers_router,
            postings_router,
            shifts_router,
            applications_router,
            shift_lifecycle_router,
            engagements_router,
            ratings_router,
            appeals_router,
            disputes_router,
            reliability_router,
            notifications_router,
            erasure_router,
            imports_router,
            feed_router,
        ],
        idempotency_model=IdempotencyKey,
        clock=clock,
        on_start=[start, relay_lifecycle.start, reach.start],
        on_stop=[stop, relay_lifecycle.stop, reach.stop],
        quiet_routes=[feed_router.prefix],  # the replica's long-poll, every few seconds: DEBUG
        long_poll_prefixes=[feed_router.prefix],  # held open by design: never shed
        reads_without_transaction=True,  # a read's BEGIN and ROLLBACK are half its round trips
    )
    app.add_exception_handler(PoolTimeout, _pool_exhausted)
    when_draining(app, lambda: _close_feed(app))  # a feed long poll answers at once when the server stops
    return app
