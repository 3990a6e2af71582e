"""Migration f_seeker_id_numbers fills the table of who holds each ID number from the sensitive records
already on file: a number stored before it is still found by staff's exact lookup, and still taken for
anyone else, after it (docs/postgresql.md, "Citus: the plan")."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from services.kit.clock import ManualClock
from services.kit.migrate import downgrade, upgrade
from services.matching.config import MatchingSettings
from tests.conftest import LifespanApp, client_for
from tests.matching.conftest import matching_test_app
from tests.matching.seekers.conftest import Token, grant, id_number, put_sensitive, register
from tests.matching.seekers.test_scope import far_staff


@asynccontextmanager
async def _client(settings: MatchingSettings, clock: ManualClock) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanApp(matching_test_app(settings, clock)) as running, client_for(running) as client:
        yield client


async def test_id_numbers_stored_before_the_migration_are_held_after_it(
    matching_settings: MatchingSettings, clock: ManualClock, token: Token
) -> None:
    first, second = token("seeker", "seeker-1"), token("seeker", "seeker-2")
    async with _client(matching_settings, clock) as client:
        for headers, seeker_id in ((first, "seeker-1"), (second, "seeker-2")):
            await register(client, headers)
            await grant(client, headers, seeker_id, "sensitive_for_priority_help")
        assert (await put_sensitive(client, first, "seeker-1")).status_code == 201
    url = matching_settings.database_url
    await asyncio.to_thread(downgrade, "matching", url, "e_merge_1")

    await asyncio.to_thread(upgrade, "matching", url)

    async with _client(matching_settings, clock) as client:
        found = await client.post(
            "/v1/seekers/lookup", json={"id_number": id_number()}, headers=far_staff(token)
        )
        taken = await put_sensitive(client, second, "seeker-2")
    assert ([s["id"] for s in found.json()], taken.status_code) == (["seeker-1"], 409)
