"""At start: build the field cipher once, and say loudly when the development key is in use."""

import logging

from fastapi import FastAPI

from services.matching.seekers.config import get_seekers_settings
from services.matching.seekers.crypto import FieldCipher

log = logging.getLogger("lingong.seekers")


async def start(app: FastAPI) -> None:
    settings = get_seekers_settings()
    app.state.seekers_cipher = FieldCipher(settings.id_key.get_secret_value())
    if settings.uses_dev_key and not app.state.settings.auth.dev_tokens:
        log.warning("MATCHING_SEEKERS__ID_KEY is not set: ID numbers are encrypted under the public dev key")
