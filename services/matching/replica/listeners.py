"""In-process subscribers to the replica: told, after each committed batch, what it changed.

The ranking index subscribes here to stay fresh without polling the database. Subscribe before
loading what the replica already holds, so no batch falls between the load and the subscription;
a batch may then repeat a change already loaded, so apply by `version`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

log = logging.getLogger("lingong.replica")


@dataclass(frozen=True, slots=True)
class ReplicaChange:
    """What one committed batch touched, as now stored.

    `postings` are the stored snapshots (the feed's PostingRead JSON, shifts merged in) of every
    posting the batch's events named; `employers` likewise ({id, name, kind, verified, version,
    owner_sub, reliability}). Events another process had already applied are included too, so every process
    following the feed hears every change.
    """

    cursor: int
    postings: tuple[dict[str, Any], ...]
    employers: tuple[dict[str, Any], ...]


Listener = Callable[[ReplicaChange], None]


class ReplicaListeners:
    """Synchronous callbacks run in the consumer's task after COMMIT; keep them short."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def notify(self, change: ReplicaChange) -> None:
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:  # noqa: BLE001 - one broken subscriber must not stop the feed
                name = getattr(listener, "__qualname__", type(listener).__name__)
                log.exception("replica listener failed", extra={"listener": name})


def replica_listeners(app: FastAPI) -> ReplicaListeners:
    """The app's listener registry, made on first use (any part may subscribe before the replica starts)."""
    existing = getattr(app.state, "replica_listeners", None)
    if isinstance(existing, ReplicaListeners):
        return existing
    registry = ReplicaListeners()
    app.state.replica_listeners = registry
    return registry
