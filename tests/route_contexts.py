"""Each service's routes built once per test process, not once per app.

Every test starts apps of its own (its own database, clock and settings). FastAPI (0.137 and later) builds
an included router's routes lazily, per app, at the app's first request: the dependants, the request and
response models of about a hundred routes, some 100 ms an app. Over the suite that was close to half of
its time. The routes themselves are the same objects in every app (each domain's module-level `router`),
included with the same prefixes and dependencies, so what FastAPI builds from them is the same too; only
the app that is asked for `dependency_overrides` differs. `install()` keeps what was built for a route in
an inclusion, keyed by everything that inclusion sets except that app, and hands it to the next app.

`app.dependency_overrides` stays exact: a route is built afresh, for that app alone and never kept, while
the app has an override, and setting or clearing one makes the app build its routes again
(tests/test_route_contexts.py). Production builds each app's routes once anyway; this is for the suite.
"""

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from fastapi.datastructures import DefaultPlaceholder


class _Overrides(dict[Callable[..., Any], Callable[..., Any]]):
    """An app's dependency_overrides: a change makes the app build its routes again, with the overrides."""

    def __init__(self, app: FastAPI, initial: Iterable[tuple[Any, Any]] = ()) -> None:
        super().__init__(initial)
        self._app = app

    def _changed(self) -> None:
        # Each included router keeps what it built until its own router changes: forget it (its nested
        # routers are made afresh when it builds again).
        for route in self._app.router.routes:
            if isinstance(route, fastapi_routing._IncludedRouter):
                route._effective_candidates_version = None
                route._effective_low_priority_routes_version = None

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._changed()

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        value = super().setdefault(key, default)
        self._changed()
        return value

    def pop(self, key: Any, *default: Any) -> Any:
        value = super().pop(key, *default)
        self._changed()
        return value

    def popitem(self) -> tuple[Any, Any]:
        item = super().popitem()
        self._changed()
        return item

    def clear(self) -> None:
        super().clear()
        self._changed()


def _freeze(value: Any, keep: list[Any]) -> Any:
    """A hashable stand-in for a field of an inclusion: containers by their items, plain values by value,
    anything else (routers, dependencies, classes, functions) by identity, kept alive in `keep` so that
    an id is never reused while the key holds it."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return tuple(_freeze(v, keep) for v in value)
    if isinstance(value, dict):
        return tuple((_freeze(k, keep), _freeze(v, keep)) for k, v in value.items())
    if isinstance(value, DefaultPlaceholder):  # FastAPI's "not set here", made afresh per inclusion
        return ("default", _freeze(value.value, keep))
    keep.append(value)
    return ("id", id(value))


def _inclusion_key(route: Any, context: Any, keep: list[Any]) -> tuple[Any, ...]:
    """The route, and everything its inclusion sets but the app it belongs to."""
    fields = (f.name for f in dataclasses.fields(context) if f.name != "dependency_overrides_provider")
    return (_freeze(route, keep), *(_freeze(getattr(context, name), keep) for name in fields))


_BUILT: dict[tuple[Any, ...], tuple[list[Any], Any]] = {}


def shared_routes() -> int:
    """How many routes (each in its inclusion) have been built and kept for every app."""
    return len(_BUILT)


def install() -> bool:
    """Share built routes between apps; False (and nothing changed) if this FastAPI builds them otherwise."""
    effective = getattr(fastapi_routing, "_EffectiveRouteContext", None)
    build = getattr(effective, "from_api_route", None)
    if build is None or not hasattr(fastapi_routing, "_IncludedRouter"):
        return False
    if getattr(build, "shared_between_apps", False):
        return True
    original = build.__func__
    built = _BUILT

    def from_api_route(cls: type, *, original_route: Any, include_context: Any) -> Any:
        provider = include_context.dependency_overrides_provider
        if getattr(provider, "dependency_overrides", None):
            return original(cls, original_route=original_route, include_context=include_context)
        keep: list[Any] = []
        key = _inclusion_key(original_route, include_context, keep)
        if key not in built:
            # Built for no app: it sees no app's overrides, and keeps no app alive.
            neutral = dataclasses.replace(include_context, dependency_overrides_provider=None)
            built[key] = (keep, original(cls, original_route=original_route, include_context=neutral))
        return built[key][1]

    shared = classmethod(from_api_route)
    shared.__func__.shared_between_apps = True  # type: ignore[attr-defined]
    effective.from_api_route = shared  # type: ignore[union-attr]

    init = FastAPI.__init__

    def __init__(self: FastAPI, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.dependency_overrides = _Overrides(self, self.dependency_overrides.items())

    FastAPI.__init__ = __init__  # type: ignore[method-assign]
    return True
