"""uvicorn's server, telling the application when it starts to stop."""

import socket
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

Hook = Callable[[], None]


def when_draining(app: FastAPI, hook: Hook) -> None:
    """Run `hook` when the server serving `app` starts to stop, before it waits for open requests."""
    if not hasattr(app.state, "drain_hooks"):
        app.state.drain_hooks = []
    app.state.drain_hooks.append(hook)


class Server(uvicorn.Server):
    """uvicorn waits for every open request to finish before it stops, so a request held open by design
    (the postings feed's long poll) would hold the stop for its whole wait. This server first runs the
    hooks the application registered with `when_draining`, so such requests answer at once."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        app = self.config.app
        if isinstance(app, FastAPI):
            for hook in getattr(app.state, "drain_hooks", ()):
                hook()
        await super().shutdown(sockets)
