"""The matching service: seekers, the postings replica, ranking and the station console.

Until its own issue lands it serves health, readiness, metrics and its OpenAPI document.
"""

from fastapi import FastAPI

from services.kit.app import create_service_app
from services.kit.clock import Clock
from services.matching.config import MatchingSettings, get_settings
from services.matching.database import IdempotencyKey


def create_app(settings: MatchingSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    return create_service_app(
        name="matching",
        title="lingong matching service",
        description="Seekers scored against postings both ways, with reasons; the station console.",
        settings=settings,
        routers=[],
        idempotency_model=IdempotencyKey,
        clock=clock,
    )
