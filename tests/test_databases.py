"""The test databases themselves: a PostgreSQL copy a test used comes back to the next test as if new."""

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests import databases

pytestmark = pytest.mark.postgres_only


@pytest.fixture
async def pool(templates: None, pg_databases: databases.PgDatabases) -> AsyncIterator[databases.PgDatabases]:
    """A pool of its own over the session's templates (which the session's pool drops at its end)."""
    dbs = databases.PgDatabases(databases.pg_url(), owns_templates=False, label="tpool")
    yield dbs
    await dbs.close()


async def connect(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(databases._dsn(url))


async def settled(pool: databases.PgDatabases) -> None:
    await asyncio.gather(*pool._dropping)


async def used_then_next(
    pool: databases.PgDatabases, service: str, statements: list[str]
) -> asyncpg.Connection:
    """A copy a test ran `statements` on and released; then a connection to the next copy handed out."""
    first, url = await pool.create(service)
    conn = await connect(url)
    for statement in statements:
        await conn.execute(statement)
    await conn.close()
    await pool.release(first)
    await settled(pool)
    second, url = await pool.create(service)
    assert second != first
    return await connect(url)


async def test_a_released_copy_comes_back_empty_with_its_sequences_restarted(
    pool: databases.PgDatabases,
) -> None:
    conn = await used_then_next(
        pool,
        "postings",
        [
            "INSERT INTO employers (id, owner_sub, name, kind, verified, version)"
            " VALUES (gen_random_uuid(), 'employer-1', 'a shop', 'firm', false, 1)",
            "SELECT nextval('outbox_seq_seq')",
        ],
    )
    try:
        assert await conn.fetchval("SELECT count(*) FROM employers") == 0
        assert await conn.fetchval("SELECT nextval('outbox_seq_seq')") == 1
        assert await conn.fetchval("SELECT count(*) FROM alembic_version_postings") == 1
    finally:
        await conn.close()
    assert (pool.created, pool.recycled) == (1, 1)


async def test_a_copy_whose_schema_a_test_changed_is_dropped_not_handed_out_again(
    pool: databases.PgDatabases,
) -> None:
    conn = await used_then_next(pool, "postings", ["ALTER TABLE employers ADD COLUMN nickname text"])
    try:
        columns = await conn.fetchval(
            "SELECT count(*) FROM information_schema.columns"
            " WHERE table_name = 'employers' AND column_name = 'nickname'"
        )
        assert columns == 0
    finally:
        await conn.close()
    assert (pool.created, pool.recycled) == (2, 0)


async def test_a_copy_someone_is_still_connected_to_is_dropped_and_its_name_reaches_nothing(
    pool: databases.PgDatabases,
) -> None:
    first, url = await pool.create("matching")
    left_behind = await connect(url)
    await pool.release(first)
    await settled(pool)

    assert left_behind.is_closed() or await _gone(left_behind)
    with pytest.raises(asyncpg.InvalidCatalogNameError):
        await connect(url)
    await pool.create("matching")
    assert (pool.created, pool.recycled) == (2, 0)


async def _gone(conn: asyncpg.Connection) -> bool:
    try:
        await conn.fetchval("SELECT 1")
    except (asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError):
        return True
    return False


async def test_closing_leaves_no_copy_behind_whether_released_or_not(
    templates: None, pg_databases: databases.PgDatabases
) -> None:
    pool = databases.PgDatabases(databases.pg_url(), owns_templates=False, label="tclose")
    released, _ = await pool.create("postings")
    await pool.release(released)
    await settled(pool)
    await pool.create("postings")  # the recycled one, handed out and never released
    spare, _ = await pool.create("matching")
    await pool.release(spare)

    await pool.close()

    admin = await connect(databases.pg_url())
    try:
        left = await admin.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'lingong\\_tclose\\_%'")
    finally:
        await admin.close()
    assert [row["datname"] for row in left] == []
