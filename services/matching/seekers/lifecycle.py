"""At start: build the field cipher once, and say loudly when the development key is in use."""

import logging

from fastapi import FastAPI

from services.matching.seekers.config import get_seekers_settings
from services.matching.seekers.crypto import build_cipher

log = logging.getLogger("lingong.seekers")


async def start(app: FastAPI) -> None:
    settings = get_seekers_settings()
    # Every key of the ring: values a rotation has not reached yet still open, lookups keep their key.
    app.state.seekers_cipher = build_cipher()
    if settings.uses_dev_key and not app.state.settings.auth.dev_tokens:
        log.warning("MATCHING_SEEKERS__ID_KEY is not set: ID numbers are encrypted under the public dev key")
