import asyncio
import random
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.uow import SessionDep, before_commit
from services.postings.deps import Ctx, get_ctx
from tests.postings.factories import create_employer, create_posting, job_body, publish

Token = Callable[..., dict[str, str]]


async def _read_all(
    client: httpx.AsyncClient, headers: dict[str, str], after: int = 0
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        page = (await client.get("/v1/feed", params={"after": after, "limit": 500}, headers=headers)).json()
        if not page["events"]:
            return events
        events += page["events"]
        after = page["next"]


async def test_every_change_appears_in_the_feed_in_order(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))
    await publish(client, headers, posting["id"], etag)

    events = await _read_all(client, token("service", "matching"))

    assert [e["type"] for e in events] == ["employer.created", "posting.created", "posting.published"]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert events[-1]["data"]["status"] == "open"
    assert events[-1]["data"]["title"] == "电焊工"


async def test_feed_answers_with_the_cursor_when_nothing_is_new(
    client: httpx.AsyncClient, token: Token
) -> None:
    response = await client.get("/v1/feed", params={"after": 42}, headers=token("service", "matching"))

    assert response.json() == {"events": [], "next": 42}


async def test_a_cursor_beyond_64_bits_is_a_validation_problem_not_a_server_error(
    client: httpx.AsyncClient, token: Token
) -> None:
    largest = await client.get("/v1/feed", params={"after": 2**63 - 1}, headers=token("service", "matching"))
    beyond = await client.get("/v1/feed", params={"after": 2**63}, headers=token("service", "matching"))

    assert largest.json() == {"events": [], "next": 2**63 - 1}
    assert (beyond.status_code, beyond.json()["code"]) == (422, "validation_failed")


async def test_feed_is_for_services_only(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.get("/v1/feed", headers=token("employer", "e1"))

    assert response.status_code == 403


async def test_long_poll_returns_as_soon_as_a_change_commits(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    service = token("service", "matching")
    await create_employer(client, headers)
    start = (await client.get("/v1/feed", params={"after": 0}, headers=service)).json()["next"]

    waiting = asyncio.create_task(
        client.get("/v1/feed", params={"after": start, "wait": 10}, headers=service)
    )
    await asyncio.sleep(0.2)
    await create_employer(client, headers, name="第二家")
    page = (await asyncio.wait_for(waiting, 5)).json()

    assert [e["data"]["name"] for e in page["events"]] == ["第二家"]


class SlowCommitCtx(Ctx):
    """Sleeps between writing the outbox rows and COMMIT, to widen the window where commits reorder."""

    def emit(self, type_: str, aggregate_id: object, data: dict[str, Any]) -> None:
        super().emit(type_, aggregate_id, data)

        async def linger(_: AsyncSession) -> None:
            await asyncio.sleep(random.uniform(0, 0.03))

        before_commit(self.session, linger)


@pytest.fixture
def slow_commits(app: FastAPI) -> Iterator[None]:
    async def slow_ctx(request: Request, session: SessionDep) -> Ctx:
        ctx = await get_ctx(request, session)
        return SlowCommitCtx(ctx.session, ctx.clock, ctx.settings, ctx.notifier)

    app.dependency_overrides[get_ctx] = slow_ctx
    yield
    app.dependency_overrides.clear()


@pytest.mark.usefixtures("slow_commits")
async def test_feed_under_eight_concurrent_writers_delivers_every_change_once_and_in_order(
    client: httpx.AsyncClient, token: Token
) -> None:
    service = token("service", "matching")
    employers = [await create_employer(client, token("employer", f"w{i}"), name=f"单位{i}") for i in range(8)]
    start = (await client.get("/v1/feed", params={"after": 0, "limit": 100}, headers=service)).json()["next"]
    done = asyncio.Event()
    seen: list[int] = []

    async def writer(i: int) -> None:
        headers = token("employer", f"w{i}")
        for n in range(12):
            await client.post(
                "/v1/postings", json=job_body(employers[i]["id"], title=f"岗{i}-{n}"), headers=headers
            )

    async def consumer() -> None:
        after = start
        while True:
            finished = done.is_set()
            page = (await client.get("/v1/feed", params={"after": after, "limit": 7}, headers=service)).json()
            seen.extend(e["seq"] for e in page["events"])
            after = page["next"]
            if finished and not page["events"]:
                return

    reader = asyncio.create_task(consumer())
    await asyncio.gather(*(writer(i) for i in range(8)))
    done.set()
    await reader

    committed = [e["seq"] for e in await _read_all(client, service, start)]
    assert len(committed) == 8 * 12
    assert seen == committed
