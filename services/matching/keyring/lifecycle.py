"""When previous data keys are configured, each process re-encrypts in the background (idempotent)."""

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from services.kit.tracing import background_span, tracer_of
from services.matching.keyring.config import get_keyring_settings
from services.matching.keyring.rotation import rotate
from services.matching.seekers.crypto import FieldCipher, get_cipher

log = logging.getLogger("lingong.keyring")


async def _run(app: FastAPI, cipher: FieldCipher) -> None:
    ring = get_keyring_settings()
    try:
        with background_span(tracer_of(app), "data-key rotation") as span:
            done = await rotate(
                app.state.sessionmaker, cipher, batch_size=ring.batch_size, pause=ring.pause_seconds
            )
            span.did(**{"keyring.rewritten": done.rewritten, "keyring.undecryptable": done.undecryptable})
    except Exception as exc:  # noqa: BLE001 - the next start resumes; the service keeps answering
        log.warning("data-key rotation stopped", extra={"error_type": type(exc).__name__})


async def start(app: FastAPI) -> None:
    ring = get_keyring_settings()
    if not ring.previous_id_keys or not ring.rotate_on_start:
        return
    cipher = getattr(app.state, "seekers_cipher", None)
    app.state.keyring_task = asyncio.create_task(
        _run(app, cipher if isinstance(cipher, FieldCipher) else get_cipher())
    )


async def stop(app: FastAPI) -> None:
    task: asyncio.Task[None] | None = getattr(app.state, "keyring_task", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
