"""Console fixtures: a browser-like client (cookies kept, no redirects followed) on the matching app."""

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import client_for

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def browser(matching_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(matching_app) as client:
        client.follow_redirects = False
        yield client


async def csrf_of(client: httpx.AsyncClient, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    response = await client.get(path)
    assert response.status_code == 200, response.text
    found = CSRF.search(response.text)
    assert found is not None
    return found.group(1)


async def demo_login(client: httpx.AsyncClient) -> None:
    token = await csrf_of(client, "/console/login")
    response = await client.post("/console/login/demo", data={"csrf": token, "next": "/console/"})
    assert response.status_code == 303, response.text


async def post_form(
    client: httpx.AsyncClient, page: str, action: str, data: dict[str, str]
) -> httpx.Response:
    """Post `data` to `action` with the CSRF token of the form on `page`, as a browser would."""
    return await client.post(action, data={"csrf": await csrf_of(client, page), **data})
