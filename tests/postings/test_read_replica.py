"""Reads that may lag go to a real streaming replica; writes and read-after-write paths to the primary.

The replica is a hot standby made with pg_basebackup (tests/standby.py); its lag is made real by pausing
WAL replay on it, so what a caller sees while the replica lags is observed, not simulated.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.config import MatchingSettings
from services.matching.main import create_app as create_matching_app
from services.postings.config import PostingsSettings
from services.postings.main import create_app
from tests import standby
from tests.conftest import LifespanApp, client_for
from tests.postings.factories import create_employer, create_posting, job_body, publish

Token = Callable[..., dict[str, str]]
READ_FROM = "Lingong-Read-From"

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def clusters() -> None:
    standby.ensure_clusters()


@pytest.fixture
async def replicated(clusters: None) -> AsyncIterator[tuple[str, str]]:
    async with standby.replicated_database("postings") as urls:
        yield urls


def make_settings(primary: str, replica: str, auth: AuthSettings, max_lag: float = 30) -> PostingsSettings:
    return PostingsSettings(
        database_url=primary,
        auth=auth,
        database_replica={"url": replica, "max_lag_seconds": max_lag, "probe_seconds": 0.1},
    )


@pytest.fixture
async def serve(
    replicated: tuple[str, str], auth_settings: AuthSettings, clock: ManualClock
) -> AsyncIterator[Callable[..., Any]]:
    """serve(max_lag=…, replica=…) → an httpx client of a postings app reading from the standby."""
    opened: list[Any] = []

    async def start(max_lag: float = 30, replica: str | None = None) -> httpx.AsyncClient:
        settings = make_settings(replicated[0], replica or replicated[1], auth_settings, max_lag)
        running = LifespanApp(create_app(settings, clock, background=False))
        app = await running.__aenter__()
        client = client_for(app)
        opened.append((running, client))
        return client

    yield start
    for running, client in reversed(opened):
        await client.aclose()
        await running.__aexit__()


async def open_posting(client: httpx.AsyncClient, token: Token, title: str) -> dict[str, Any]:
    headers = token("employer", "e1")
    employers = (await client.get("/v1/employers", headers=headers)).json()["items"]
    employer = employers[0] if employers else await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"], title=title))
    assert (await publish(client, headers, posting["id"], etag)).status_code == 200
    return posting


async def seeker_titles(client: httpx.AsyncClient, token: Token) -> tuple[list[str], str]:
    response = await client.get("/v1/postings", headers=token("seeker", "s1"))
    assert response.status_code == 200, response.text
    return [p["title"] for p in response.json()["items"]], response.headers.get(READ_FROM, "")


async def until(predicate: Callable[[], Any], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def replica_serves(client: httpx.AsyncClient, token: Token) -> None:
    """Wait for the app's probe to see the standby usable (it runs every 0.1 s; a loaded machine is slow)."""

    async def served_by_replica() -> bool:
        return (await seeker_titles(client, token))[1].startswith("replica")

    await until(served_by_replica)


async def test_a_seekers_posting_list_is_read_from_the_replica(serve: Any, token: Token) -> None:
    client = await serve()
    await open_posting(client, token, "公开岗位")
    await standby.caught_up()
    await replica_serves(client, token)

    titles, source = await seeker_titles(client, token)

    assert titles == ["公开岗位"]
    assert source.startswith("replica")


async def test_a_lagging_replica_within_its_bound_serves_what_it_has_replayed(
    serve: Any, token: Token
) -> None:
    client = await serve(max_lag=30)
    await open_posting(client, token, "早的岗位")
    await standby.caught_up()
    await replica_serves(client, token)
    await standby.pause_replay()

    await open_posting(client, token, "新的岗位")
    titles, source = await seeker_titles(client, token)

    assert titles == ["早的岗位"]  # the new one is committed on the primary, not yet replayed
    assert source.startswith("replica")


async def test_past_the_lag_bound_the_list_is_read_from_the_primary_and_back_when_caught_up(
    serve: Any, token: Token
) -> None:
    client = await serve(max_lag=0.5)
    await standby.pause_replay()
    await open_posting(client, token, "新的岗位")

    async def served_by_primary() -> bool:
        return (await seeker_titles(client, token))[1] == "primary"

    await until(served_by_primary)
    assert (await seeker_titles(client, token))[0] == ["新的岗位"]

    await standby.resume_replay()
    await replica_serves(client, token)
    assert (await seeker_titles(client, token))[0] == ["新的岗位"]


async def test_an_employer_sees_their_new_draft_at_once_while_the_replica_lags(
    serve: Any, token: Token
) -> None:
    client = await serve(max_lag=30)
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    await standby.caught_up()
    await standby.pause_replay()

    await create_posting(client, headers, job_body(employer["id"], title="刚写的草稿"))
    response = await client.get("/v1/postings", headers=headers)

    assert [p["title"] for p in response.json()["items"]] == ["刚写的草稿"]
    assert response.headers[READ_FROM] == "primary"


async def test_one_posting_and_every_write_use_the_primary_while_the_replica_lags(
    serve: Any, token: Token
) -> None:
    client = await serve(max_lag=30)
    await standby.caught_up()
    await standby.pause_replay()

    posting = await open_posting(client, token, "新的岗位")  # writes succeed on the primary
    response = await client.get(f"/v1/postings/{posting['id']}", headers=token("seeker", "s1"))

    assert response.status_code == 200
    assert READ_FROM not in response.headers  # a read of one record is not an eventual read


async def test_an_unreachable_replica_leaves_reads_on_the_primary(
    serve: Any, token: Token, replicated: tuple[str, str]
) -> None:
    dead = replicated[1].replace("127.0.0.1:5434", "127.0.0.1:9")
    client = await serve(replica=dead)
    await open_posting(client, token, "公开岗位")

    titles, source = await seeker_titles(client, token)

    assert titles == ["公开岗位"]
    assert source == "primary"


async def test_the_feed_is_an_eventual_read(serve: Any, token: Token) -> None:
    client = await serve()
    await open_posting(client, token, "公开岗位")
    await standby.caught_up()
    await replica_serves(client, token)

    response = await client.get("/v1/feed", headers=token("service", "matching"))

    assert response.status_code == 200
    assert response.json()["events"]
    assert response.headers[READ_FROM].startswith("replica")


def test_the_openapi_document_says_which_reads_may_lag(auth_settings: AuthSettings) -> None:
    app = create_app(PostingsSettings(auth=auth_settings), ManualClock(), background=False)
    paths = app.openapi()["paths"]

    assert paths["/v1/postings"]["get"]["x-lingong-consistency"] == "eventual"
    assert paths["/v1/postings"]["get"]["x-lingong-primary-roles"] == ["employer", "staff", "admin"]
    assert paths["/v1/feed"]["get"]["x-lingong-consistency"] == "eventual"
    assert "x-lingong-consistency" not in paths["/v1/postings/{posting_id}"]["get"]


def test_a_replica_needs_a_postgresql_primary() -> None:
    with pytest.raises(ValidationError, match="PostgreSQL primary"):
        PostingsSettings(
            database_url="sqlite+aiosqlite:///./var/x.db",
            database_replica={"url": "postgresql+asyncpg://postgres@127.0.0.1:5434/x"},
        )


def test_the_market_watch_statistics_are_eventual_reads(auth_settings: AuthSettings) -> None:
    app = create_matching_app(MatchingSettings(auth=auth_settings), ManualClock())
    paths = app.openapi()["paths"]

    for path in ("/v1/statistics/supply-demand", "/v1/statistics/shortages", "/v1/statistics/outcomes"):
        assert paths[path]["get"]["x-lingong-consistency"] == "eventual", path
    assert "x-lingong-consistency" not in paths["/v1/seekers/{seeker_id}"]["get"]
