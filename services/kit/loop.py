"""The event loop the servers run on.

uvloop (libuv) where it is installed, as it is with the package: it spends far fewer CPU cycles per
request than asyncio's own selector loop, and a service on a few cores is bounded by those cycles under
load (docs/load.md). `LINGONG_EVENT_LOOP=asyncio` chooses asyncio's loop instead (to compare, or to
debug with asyncio's own tools)."""

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
ENV = "LINGONG_EVENT_LOOP"


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop unless the environment asks for asyncio's (None: asyncio's default)."""
    if os.environ.get(ENV, "uvloop").strip().lower() == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:  # an install without it still serves, on asyncio's loop
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on the loop `loop_factory` chooses."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
