"""Nothing personal in logs: a realistic session through both apps, logged at DEBUG as JSON and as text
(the services' own `configure_logging`), then every line scanned for the ID numbers, phones and names
used. Library loggers (SQLAlchemy, the database drivers, httpx) are at DEBUG too unless the services'
configuration quiets them, so a statement logged with its parameters fails this test."""

import io
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.kit.logging import QUIET_LIBRARIES, configure_logging
from tests.matching.privacy.conftest import ID_NUMBER, Headers, Token
from tests.matching.referrals.conftest import open_job
from tests.matching.seekers.conftest import id_number, seeker_body, sensitive_body, staff_consent, wrong_check

NAME = "王小明"
PHONE = "13912345678"
OTHER_PHONE = "13700001111"
OTHER_ID = id_number(seq="207")
ADDRESS = f"梁山县拳铺镇{NAME}家"
HEALTH = f"{NAME}右腿行动不便"
SECRETS = (NAME, PHONE, OTHER_PHONE, ID_NUMBER, OTHER_ID, ID_NUMBER[:17], wrong_check(OTHER_ID), "拳铺镇")


@pytest.fixture(params=["json", "text"])
def captured(
    request: pytest.FixtureRequest, matching: httpx.AsyncClient, postings: httpx.AsyncClient
) -> Iterator[io.StringIO]:
    """Every log line from here on, formatted as the services format them (after the apps were made:
    making an app configures logging)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    stream = io.StringIO()
    configure_logging("DEBUG", json_logs=request.param == "json", stream=stream)
    yield stream
    root.handlers[:], _ = saved[0], root.setLevel(saved[1])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger("uvicorn.access").disabled = False


async def session_of_a_walk_in(
    matching: httpx.AsyncClient, postings: httpx.AsyncClient, token: Token, staff: Headers
) -> None:
    me = token("seeker", "seeker-wang")
    body = seeker_body(
        phone=PHONE,
        desired_text=f"{NAME}想找焊工的活",
        home={"lat": 35.8024, "lng": 116.0958, "address": ADDRESS},
    )
    assert (await matching.post("/v1/seekers", json=body, headers=me)).status_code == 201
    granted = await matching.post(
        "/v1/seekers/seeker-wang/consents",
        json={"purposes": ["sensitive_for_priority_help"], "method": "app"},
        headers=me,
    )
    assert granted.status_code == 201
    put = await matching.put(
        "/v1/seekers/seeker-wang/sensitive",
        json=sensitive_body(id_number=ID_NUMBER, health_notes=HEALTH),
        headers=me,
    )
    assert put.status_code == 201, put.text
    # staff register a second seeker at the counter, then find both by exact lookup
    walk_in = seeker_body(seeker_id="walk-in-1", consent=staff_consent("matching"), phone=OTHER_PHONE)
    assert (await matching.post("/v1/seekers", json=walk_in, headers=staff)).status_code == 201
    for lookup in ({"phone": PHONE}, {"id_number": ID_NUMBER}, {"phone": OTHER_PHONE}):
        assert (await matching.post("/v1/seekers/lookup", json=lookup, headers=staff)).status_code == 200
    assert (await matching.get("/v1/seekers/seeker-wang/contact", headers=staff)).status_code in (200, 403)
    assert (await matching.get("/v1/seekers/seeker-wang/sensitive", headers=staff)).status_code == 200
    # a referral through the postings service
    posting = await open_job(postings, token("employer", "owner-1"))
    referred = await matching.post(
        "/v1/seekers/walk-in-1/referrals",
        json={"posting_id": posting, "note": f"{NAME}的邻居推荐"},
        headers=staff,
    )
    assert referred.status_code == 201, referred.text
    # exports, both formats, by the seeker and by staff
    for headers in (me, staff):
        for fmt in ("json", "html"):
            got = await matching.get(f"/v1/seekers/seeker-wang/export?format={fmt}", headers=headers)
            assert got.status_code == 200
    await errors(matching, me, staff)
    assert (await matching.delete("/v1/seekers/seeker-wang", headers=me)).status_code == 204
    assert (await matching.post("/v1/seekers/lookup", json={"phone": PHONE}, headers=staff)).json() == []


async def errors(matching: httpx.AsyncClient, me: Headers, staff: Headers) -> None:
    """Refused requests carrying personal data: a problem may echo it to the caller, never to logs."""
    bad_id = sensitive_body(id_number=wrong_check(OTHER_ID), health_notes=HEALTH)
    assert (await matching.put("/v1/seekers/seeker-wang/sensitive", json=bad_id, headers=me)).status_code in (
        412,
        422,
        428,
    )
    taken = await matching.put(
        "/v1/seekers/walk-in-1/sensitive", json=sensitive_body(id_number=ID_NUMBER), headers=staff
    )
    assert taken.status_code >= 400
    for lookup in (
        {"phone": PHONE, "id_number": ID_NUMBER},
        {"id_number": OTHER_ID + "1"},
        {"phone": PHONE, "name": NAME},
        {"phone": f"{NAME}{PHONE}"},
    ):
        assert (await matching.post("/v1/seekers/lookup", json=lookup, headers=staff)).status_code == 422
    again = seeker_body(phone=PHONE, desired_text=NAME)
    assert (await matching.post("/v1/seekers", json=again, headers=me)).status_code == 409
    raw = f'{{"phone": "{PHONE}", "desired_text": "{NAME}"'.encode()  # cut short: not JSON
    assert (
        await matching.post("/v1/seekers", content=raw, headers=me | {"Content-Type": "application/json"})
    ).status_code == 422
    assert (await matching.get(f"/v1/seekers/{PHONE}", headers=staff)).status_code == 404
    assert (await matching.get(f"/v1/seekers/{ID_NUMBER}/export", headers=staff)).status_code == 404


async def test_a_whole_session_leaves_no_id_number_phone_or_name_in_the_logs(
    captured: io.StringIO,
    matching: httpx.AsyncClient,
    postings: httpx.AsyncClient,
    token: Token,
    staff: Headers,
) -> None:
    await session_of_a_walk_in(matching, postings, token, staff)

    lines = captured.getvalue().splitlines()
    leaks = [(secret, line[:200]) for line in lines for secret in SECRETS if secret in line]

    assert len(lines) > 30  # the session was logged (access lines at least)
    assert leaks == [], sorted({line for _, line in leaks})[:20]


async def test_a_database_error_names_its_statement_but_not_its_values(matching_app: FastAPI) -> None:
    async with matching_app.state.sessionmaker() as session:
        with pytest.raises(DBAPIError) as raised:
            await session.execute(text("SELECT * FROM no_such_table WHERE phone = :p"), {"p": PHONE})

    assert "no_such_table" in str(raised.value)
    assert PHONE not in str(raised.value)
