"""Migration g_posting_external_ids fills the import's lookup table from the postings already imported,
so a file imported before it is recognised after it (docs/postgresql.md, "Citus: the plan")."""

import asyncio
from collections.abc import Callable

import httpx

from services.kit.clock import ManualClock
from services.kit.migrate import downgrade, upgrade
from services.postings.config import PostingsSettings
from services.postings.main import create_app
from tests.conftest import LifespanApp, client_for
from tests.postings.imports.test_import_api import jsonl, record

Token = Callable[..., dict[str, str]]


async def _import(client: httpx.AsyncClient, token: Token, body: bytes) -> dict[str, int]:
    answer = await client.post(
        "/v1/imports",
        params={"source": "partner", "filename": "batch.jsonl"},
        content=body,
        headers=token("staff", "s1", station="st-1") | {"Content-Type": "application/x-ndjson"},
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["summary"])


async def test_postings_imported_before_the_migration_are_found_after_it(
    postings_settings: PostingsSettings, token: Token, clock: ManualClock
) -> None:
    url = postings_settings.database_url
    body = jsonl(record("A-1", clock.now()), record("A-2", clock.now(), title="整经工"))
    async with LifespanApp(create_app(postings_settings, clock, background=False)) as app:
        async with client_for(app) as client:
            assert (await _import(client, token, body))["created"] == 2
    await asyncio.to_thread(downgrade, "postings", url, "f_engagement_partitions")

    await asyncio.to_thread(upgrade, "postings", url)

    edited = jsonl(record("A-1", clock.now(), headcount=6), record("A-2", clock.now(), title="整经工"))
    async with LifespanApp(create_app(postings_settings, clock, background=False)) as app:
        async with client_for(app) as client:
            summary = await _import(client, token, edited)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 1, 1)
