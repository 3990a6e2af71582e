"""The postings service: employers, postings, shifts, imports and the change feed."""

from fastapi import FastAPI

from services.kit.app import create_service_app
from services.kit.clock import Clock
from services.postings.config import PostingsSettings, get_settings
from services.postings.database import IdempotencyKey
from services.postings.employers.router import router as employers_router
from services.postings.expiry import ExpirySweeper
from services.postings.feed.router import router as feed_router
from services.postings.feed.service import FeedNotifier
from services.postings.imports.router import router as imports_router
from services.postings.postings.router import router as postings_router
from services.postings.shifts.router import router as shifts_router

DESCRIPTION = """
Jobs and gig work for Shandong's public employment service: employers post jobs and gigs with
shifts, data stewards import postings in bulk, and the matching service follows every change
through the feed. Errors are RFC 9457 problems with a stable `code`; creating POSTs take an
`Idempotency-Key`; updates take `If-Match`.
"""


def create_app(
    settings: PostingsSettings | None = None, clock: Clock | None = None, *, background: bool = True
) -> FastAPI:
    settings = settings or get_settings()

    async def start(app: FastAPI) -> None:
        app.state.feed_notifier = FeedNotifier()
        app.state.expiry = ExpirySweeper(app)
        if background:
            app.state.expiry.start(settings.expiry_sweep_seconds)

    async def stop(app: FastAPI) -> None:
        await app.state.expiry.stop()

    return create_service_app(
        name="postings",
        title="lingong postings service",
        description=DESCRIPTION,
        settings=settings,
        routers=[employers_router, postings_router, shifts_router, imports_router, feed_router],
        idempotency_model=IdempotencyKey,
        clock=clock,
        on_start=[start],
        on_stop=[stop],
    )
