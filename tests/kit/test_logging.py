import io
import json
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
