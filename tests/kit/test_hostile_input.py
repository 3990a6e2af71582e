"""Hostile bodies on both services: deep nesting, oversize and Unicode tricks never get a 500 or a hang."""

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from tests.kit.conftest import ServiceApp, client_at
from tests.matching.seekers.conftest import seeker_body
from tests.postings.factories import employer_body

Token = Callable[..., dict[str, str]]
Service = tuple[str, httpx.AsyncClient, dict[str, str]]
WRITES = {"postings": "/v1/employers", "matching": "/v1/seekers"}


@pytest.fixture(params=["postings", "matching"])
async def service(
    request: pytest.FixtureRequest, service_app: ServiceApp, token: Token
) -> AsyncIterator[Service]:
    who = token("employer", "e-1") if request.param == "postings" else token("seeker", "s-1")
    async with service_app(request.param) as app, client_at(app) as client:
        yield request.param, client, who


async def _send(service: Service, content: bytes) -> tuple[int, float]:
    name, client, who = service
    started = time.monotonic()
    response = await client.post(
        WRITES[name], content=content, headers=who | {"Content-Type": "application/json"}
    )
    return response.status_code, time.monotonic() - started


@pytest.mark.parametrize(
    "content",
    [b"[" * 10_000, b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000],
    ids=["unclosed-arrays", "closed-arrays", "objects"],
)
async def test_ten_thousand_levels_of_nesting_are_refused_quickly(service: Service, content: bytes) -> None:
    status, seconds = await _send(service, content)

    assert status in (400, 413, 422)
    assert seconds < 5


async def test_a_body_over_the_size_limit_is_413(service: Service) -> None:
    status, _ = await _send(service, b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}')

    assert status == 413


def _with_text(name: str, text: str) -> dict[str, Any]:
    if name == "postings":
        return employer_body(name=text)
    return seeker_body(desired_text=text)


def _stored(name: str, created: dict[str, Any]) -> str:
    return str(created["name"] if name == "postings" else created["desired_text"])


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("王\u200b明焊工", "王明焊工"),
        ("\ufeff焊\u200d工\u200c", "焊工"),
        ("ＡＢＣ焊接，会开叉车", "ABC焊接，会开叉车"),
        ("𝐖𝐞𝐥𝐝 焊工１２３", "Weld 焊工123"),
    ],
    ids=["zero-width-space", "bom-and-joiners", "full-width-letters", "math-letters-and-digits"],
)
async def test_invisible_and_compatibility_characters_are_normalised(
    service: Service, text: str, stored: str
) -> None:
    name, client, who = service
    response = await client.post(WRITES[name], json=_with_text(name, text), headers=who)

    assert response.status_code == 201, response.text
    assert _stored(name, response.json()) == stored


@pytest.mark.parametrize(
    "text",
    [
        "王\u202e明焊工",
        "焊工\u2066abc\u2069",
        "\u200f焊工",
        "Сhen焊工",
        "Wеlding 焊工",
        "a\u0301\u0301\u0301\u0301",
    ],
    ids=[
        "bidi-override",
        "bidi-isolate",
        "right-to-left-mark",
        "cyrillic-c",
        "cyrillic-e",
        "combining-flood",
    ],
)
async def test_text_that_would_mislead_staff_is_refused(service: Service, text: str) -> None:
    name, client, who = service
    response = await client.post(WRITES[name], json=_with_text(name, text), headers=who)

    assert response.status_code == 422
