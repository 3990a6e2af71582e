"""At start: load the occupation coder in a worker thread, so startup does not wait for it.

Until it is loaded the autocomplete answers from names and aliases. A test or benchmark may set
`app.state.occupation_coder` (an OccupationCoder, used as it is) before the lifespan runs; when it sets
`app.state.text_encoder` instead (the ranking runs without the shipped coder), the autocomplete does too.
"""

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from services.matching.occupations.coder import OccupationCoder
from services.matching.occupations.store import default_coder

log = logging.getLogger("lingong.occupations")


async def _load(app: FastAPI) -> None:
    try:
        app.state.occupation_coder = await asyncio.to_thread(default_coder)
    except Exception as exc:  # noqa: BLE001 - the autocomplete still answers from names and aliases
        log.error("occupation coder unavailable; autocomplete on names and aliases", exc_info=exc)
        app.state.occupation_coder_status = "off"
        return
    app.state.occupation_coder_status = "ready"


async def start(app: FastAPI) -> None:
    state = app.state
    if isinstance(getattr(state, "occupation_coder", None), OccupationCoder):
        state.occupation_coder_status = "ready"
        return
    state.occupation_coder = None
    if getattr(state, "text_encoder", None) is not None:
        state.occupation_coder_status = "off"
        return
    state.occupation_coder_status = "loading"
    state.occupation_coder_task = asyncio.create_task(_load(app), name="occupation-coder-load")


async def stop(app: FastAPI) -> None:
    task: asyncio.Task[None] | None = getattr(app.state, "occupation_coder_task", None)
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
