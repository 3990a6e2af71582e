"""Calling one route as one principal, and the routes each app serves (OpenAPI and the route table)."""

import hashlib
import hmac
import secrets
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from services.matching.console import router as console
from services.matching.console.config import get_console_settings
from services.matching.console.web import CSRF_COOKIE, SESSION_COOKIE
from tests.security.targets import Target
from tests.security.world import World

METHODS = ("get", "post", "put", "patch", "delete")
NONCE = secrets.token_urlsafe(32)  # 43 characters: the console's CSRF nonce


def openapi_routes(service: str, app: FastAPI) -> set[str]:
    """`service METHOD /path` of every operation in the app's OpenAPI document."""
    return {
        f"{service} {method.upper()} {path}"
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method in METHODS
    }


def console_routes() -> set[str]:
    """The console's pages, which are left out of the OpenAPI document, from their routers."""
    return {
        f"matching {method} {route.path}"
        for route in _walk(console.router.routes)
        for method in route.methods
    }


def _walk(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """The routes, through included routers (which FastAPI 0.16x keeps as one entry each)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from _walk(included.routes)


def _path(template: str, ids: dict[str, str]) -> str:
    out = template
    for name, value in ids.items():
        out = out.replace("{" + name + "}", value)
    return out


def _csrf(app: FastAPI) -> str:
    settings = getattr(app.state, "console_settings", None) or get_console_settings()
    key = settings.csrf_secret.get_secret_value().encode()
    return hmac.new(key, f"csrf\x00{NONCE}".encode(), hashlib.sha256).hexdigest()


def status_of(response: httpx.Response) -> int:
    """The status, with a console page's redirect to the sign-in page read as the 401 it stands for."""
    location = response.headers.get("location", "")
    return (
        401
        if response.status_code == 303 and location.startswith("/console/login?next=")
        else response.status_code
    )


async def call(w: World, route: str, target: Target, principal: str) -> httpx.Response:
    service, method, template = route.split(" [", 1)[0].split(" ", 2)
    url = _path(template, target.path)
    token = w.token_of(principal, target.seeker)
    if template.startswith("/console"):
        cookies = {CSRF_COOKIE: NONCE} | ({SESSION_COOKIE: token} if token else {})
        client = httpx.AsyncClient(
            transport=w.matching._transport, base_url="http://testserver", cookies=cookies, timeout=30
        )
        async with client:
            filled = {k: v.replace("{token}", token or "") for k, v in (target.form or {}).items()}
            form = {"csrf": _csrf(w.matching_app)} | filled if method == "POST" else None
            return await client.request(method, url, data=form, params=target.params)
    client = w.postings if service == "postings" else w.matching
    headers = dict(target.headers) | ({"Authorization": f"Bearer {token}"} if token else {})
    body: Any = target.bodies.get(principal, target.json)
    if target.content is not None:
        headers["Content-Type"] = "application/x-ndjson"
        return await client.request(
            method, url, content=target.content, params=target.params, headers=headers
        )
    return await client.request(method, url, json=body, params=target.params, headers=headers)
