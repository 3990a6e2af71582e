import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.postings.notifications.sender import LogSender, Outgoing
from tests.postings.lifecycle.conftest import RecordingSender
from tests.postings.lifecycle.factories import book, booked, open_gig, step, worked

Token = Callable[..., dict[str, str]]
Sweep = Callable[[], Awaitable[dict[str, int]]]


async def _inbox(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = await client.get("/v1/notifications", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_a_booking_notifies_worker_and_employer_and_a_refused_one_nobody(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now())
    taken = await booked(client, token("seeker", "s1"), gig.shift_id)
    refused = await book(client, token("seeker", "s2"), gig.shift_id)

    worker_inbox = await _inbox(client, token("seeker", "s1"))
    employer_inbox = await _inbox(client, boss)

    assert refused.status_code == 409
    assert [(n["type"], n["subject_id"]) for n in worker_inbox] == [("booking", taken["id"])]
    assert [n["recipient_id"] for n in employer_inbox] == [gig.employer_id]
    assert await _inbox(client, token("seeker", "s2")) == []
    assert set(worker_inbox[0]["data"]) == {"status", "starts_at"}


async def test_reminders_go_out_a_day_and_two_hours_before(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), starts_in=timedelta(days=3))
    worker = token("seeker", "s1")
    await booked(client, worker, gig.shift_id)

    clock.set(gig.starts_at - timedelta(hours=25))
    quiet = await sweep()
    clock.set(gig.starts_at - timedelta(hours=23))
    day = await sweep()
    clock.set(gig.starts_at - timedelta(hours=1, minutes=59))
    two_hours = await sweep()
    again = await sweep()

    assert (quiet["reminder_day"], day["reminder_day"], two_hours["reminder_2h"]) == (0, 1, 1)
    assert again["reminder_day"] == again["reminder_2h"] == 0
    types = [n["type"] for n in await _inbox(client, worker)]
    assert sorted(types) == ["booking", "reminder_2h", "reminder_day"]


async def test_a_booking_made_an_hour_before_gets_no_reminders(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, sweep: Sweep
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), starts_in=timedelta(hours=1))
    worker = token("seeker", "s1")
    await booked(client, worker, gig.shift_id)

    clock.advance(timedelta(minutes=50))
    await sweep()

    assert [n["type"] for n in await _inbox(client, worker)] == ["booking"]


async def test_no_more_than_five_an_hour_reach_one_recipient_and_the_rest_wait(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock, sender: RecordingSender
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now(), shifts=7)
    worker = token("seeker", "s1")
    for shift in gig.shifts:
        await booked(client, worker, shift["id"])

    first = await app.state.notifications.run_once()
    soon = await app.state.notifications.run_once()
    clock.advance(timedelta(hours=1))
    later = await app.state.notifications.run_once()

    assert (first.sent, first.deferred) == (10, 4)  # five each to the worker and the employer
    assert (soon.sent, soon.deferred) == (0, 0)
    assert (later.sent, later.deferred) == (4, 0)
    to_worker = [m for m in sender.sent if m.recipient_kind == "seeker"]
    assert len(to_worker) == 7
    assert {m.type for m in to_worker} == {"booking"}
    statuses = {n["status"] for n in await _inbox(client, worker)}
    assert statuses == {"sent"}


async def test_a_failing_gateway_is_retried_with_backoff_then_given_up(
    app: FastAPI, client: httpx.AsyncClient, token: Token, clock: ManualClock, sender: RecordingSender
) -> None:
    gig = await open_gig(client, token("employer", "boss"), clock.now())
    worker = token("seeker", "s1")
    await booked(client, worker, gig.shift_id)
    sender.failing = True

    reports = []
    for _ in range(5):
        reports.append(await app.state.notifications.run_once())
        clock.advance(timedelta(minutes=40))
    [message] = await _inbox(client, worker)

    assert [r.failed for r in reports] == [0, 0, 0, 0, 2]
    assert (message["status"], message["attempts"]) == ("failed", 5)
    assert sender.sent == []


async def test_the_log_sender_logs_type_and_recipient_id_only(caplog: pytest.LogCaptureFixture) -> None:
    message = Outgoing(
        id=uuid.uuid4(),
        recipient_kind="seeker",
        recipient_id="s1",
        type="payment_due",
        subject_id="e1",
        data={"amount": "100.00", "phone": "13812341234"},
    )

    with caplog.at_level(logging.INFO, logger="lingong.postings.notifications"):
        await LogSender().send(message)

    [record] = caplog.records
    assert (record.notification_type, record.recipient_id) == ("payment_due", "s1")  # type: ignore[attr-defined]
    assert "13812341234" not in str(record.__dict__)
    assert "100.00" not in str(record.__dict__)


async def test_a_dispute_reaches_the_countys_desk(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    boss = token("employer", "boss")
    gig = await open_gig(client, boss, clock.now())
    worker = token("seeker", "s1")
    done = await worked(client, worker, gig, clock)
    await step(client, boss, str(done["id"]), "confirm")
    clock.advance(timedelta(hours=25))
    await step(client, worker, str(done["id"]), "not-paid")

    desk = await _inbox(client, token("staff", "c1", station="st-lixia"), type="dispute")
    far_desk = await _inbox(client, token("staff", "c9", station="st-shinan"), type="dispute")

    assert [n["recipient_kind"] for n in desk] == ["county"]
    assert far_desk == []
