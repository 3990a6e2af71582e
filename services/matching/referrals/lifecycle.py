"""At start: open the client that writes to the postings service for staff; at stop: close it.

Tests may set `app.state.postings_transport` (e.g. ASGITransport on a postings app) before the lifespan.
"""

from fastapi import FastAPI

from services.matching.referrals.client import PostingsActions
from services.matching.referrals.config import ReferralSettings, get_referral_settings


async def start(app: FastAPI) -> None:
    state = app.state
    settings = getattr(state, "referral_settings", None)
    if not isinstance(settings, ReferralSettings):
        settings = state.referral_settings = get_referral_settings()
    state.postings_actions = PostingsActions(
        state.settings.postings_url,
        settings,
        transport=getattr(state, "postings_transport", None),
        tracing=state.tracing,
    )


async def stop(app: FastAPI) -> None:
    actions: PostingsActions | None = getattr(app.state, "postings_actions", None)
    if actions is not None:
        await actions.aclose()
