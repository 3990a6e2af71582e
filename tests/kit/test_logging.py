import io
import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable

import httpx

from services.kit.logging import configure_logging

Token = Callable[..., dict[str, str]]


async def test_access_log_is_json_with_request_id_and_no_personal_data(
    client: httpx.AsyncClient, token: Token
) -> None:
    stream = io.StringIO()
    configure_logging("INFO", json_logs=True, stream=stream)
    phone, id_number = "13812345678", "370102199001011234"

    await client.get(
        f"/v1/postings/{id_number}",
        params={"phone": phone},
        headers=token("seeker", "s1") | {"X-Request-ID": "r-42"},
    )

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["name"] == "lingong.access"]
    assert access[-1]["request_id"] == "r-42"
    assert access[-1]["route"] == "/v1/postings/{posting_id}"
    assert phone not in stream.getvalue()
    assert id_number not in stream.getvalue()


async def test_text_logs_are_one_short_readable_line_per_request(
    client: httpx.AsyncClient, token: Token
) -> None:
    stream = io.StringIO()
    configure_logging("INFO", json_logs=False, stream=stream)

    await client.get("/v1/postings/370102199001011234", headers=token("seeker", "s1"))

    [line] = [line for line in stream.getvalue().splitlines() if "/v1/postings/" in line]
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d INFO +postings +GET /v1/postings/\{posting_id\} → 4\d\d \(\d+ ms\)", line
    )


async def test_the_feeds_own_long_polls_are_not_logged_at_info_but_its_refusals_are(
    client: httpx.AsyncClient, token: Token
) -> None:
    stream = io.StringIO()
    configure_logging("INFO", json_logs=True, stream=stream)

    polled = await client.get(
        "/v1/feed", params={"after": 0, "wait": 0}, headers=token("service", "matching")
    )
    refused = await client.get("/v1/feed", params={"after": 0}, headers=token("seeker", "s1"))

    feed_lines = [json.loads(line) for line in stream.getvalue().splitlines() if '"/v1/feed"' in line]
    assert (polled.status_code, refused.status_code) == (200, 403)
    assert [line["status"] for line in feed_lines] == [403]


AUTO = "from services.cli import _json_logs; print(_json_logs('auto'))"


def test_serve_logs_json_when_its_output_is_piped() -> None:
    result = subprocess.run([sys.executable, "-c", AUTO], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "True"


def test_serve_logs_text_lines_on_a_terminal() -> None:
    main, tty = pty.openpty()
    try:
        subprocess.run(
            [sys.executable, "-c", AUTO],
            stdout=tty,
            stderr=tty,
            check=True,
        )
        printed = os.read(main, 1000).decode()
    finally:
        os.close(main)
        os.close(tty)

    assert printed.strip() == "False"
