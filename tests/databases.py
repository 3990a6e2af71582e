"""Test databases: migrated once per run into a template, then a database of its own per test.

PostgreSQL: `CREATE DATABASE ... TEMPLATE`, or a used copy renamed and emptied back to the template's
state (real commits, real concurrency, full isolation; `PgDatabases`).
SQLite: the migrated template file copied per test.
"""

import asyncio
import os
import shutil
import uuid
from collections import defaultdict
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from services.kit.migrate import upgrade

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SERVICES = ("postings", "matching")


def backend() -> str:
    return os.environ.get("TEST_BACKEND", "postgres")


def pg_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


def worker() -> str:
    """Unique per test process, so parallel runs (xdist workers, several checkouts) never share a template."""
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


def _dsn(url: str, database: str | None = None) -> str:
    u = make_url(url)
    if database is not None:
        u = u.set(database=database)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(url: str, timeout: float = 5) -> asyncpg.Connection:
    return await asyncpg.connect(_dsn(url), timeout=timeout)


async def pg_reachable(url: str) -> bool:
    try:
        conn = await _admin(url)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


def _template_name(service: str) -> str:
    return f"lingong_tpl_{service}_{worker()}"


def prepare_pg_templates(url: str) -> None:
    """Drop, re-create and migrate each service's template (sync: alembic runs its own event loop)."""

    async def recreate(name: str) -> None:
        conn = await _admin(url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    for service in SERVICES:
        name = _template_name(service)
        asyncio.run(recreate(name))
        upgrade(service, make_url(url).set(database=name).render_as_string(hide_password=False))


DROPS_AT_ONCE = 4  # drops and recycles in flight (each on its own connection)
DROPS_QUEUED = 32  # a test's copies wait for the oldest drops beyond this many, so they do not pile up
BACKGROUND_TIMEOUT = 60  # drops and recycles wait this long for a connection on a busy server
REUSES = 100  # a copy is dropped, not recycled, after this many tests (its dead rows are never vacuumed)
CONNECTIONS_END_CHECKS = 20  # a used copy's connections are looked for this often, 50 ms apart
CONNECTED = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"

# Everything a test could change in a database's definition, with no OID in it: two databases with the
# same fingerprint have the same schema (tables, columns, defaults, constraints, indexes, triggers,
# functions, types, grants, settings) and the same migration versions.
FINGERPRINT = """
WITH own(nsp) AS (
  SELECT oid FROM pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg_toast%'
)
SELECT md5(string_agg(item, E'\\n' ORDER BY item)) FROM (
  SELECT concat_ws(' ', 'rel', c.oid::regclass, c.relkind::text, c.relpersistence::text, c.relacl::text,
                   array_to_string(c.reloptions, ','), pg_get_expr(c.relpartbound, c.oid),
                   CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END)
  FROM pg_class c WHERE c.relnamespace IN (SELECT nsp FROM own)
  UNION ALL
  SELECT concat_ws(' ', 'col', a.attrelid::regclass, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relnamespace IN (SELECT nsp FROM own)
  UNION ALL
  SELECT concat_ws(' ', 'con', conrelid::regclass, conname, pg_get_constraintdef(oid))
  FROM pg_constraint WHERE connamespace IN (SELECT nsp FROM own)
  UNION ALL
  SELECT concat_ws(' ', 'idx', pg_get_indexdef(i.indexrelid))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace IN (SELECT nsp FROM own)
  UNION ALL
  SELECT concat_ws(' ', 'trg', pg_get_triggerdef(oid), tgenabled::text) FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT concat_ws(' ', 'fun', p.oid::regprocedure, md5(p.prosrc), p.proacl::text)
  FROM pg_proc p WHERE p.pronamespace IN (SELECT nsp FROM own)
  UNION ALL
  SELECT concat_ws(' ', 'typ', t.oid::regtype, (SELECT string_agg(enumlabel::text, ',' ORDER BY enumsortorder)
                                                 FROM pg_enum WHERE enumtypid = t.oid))
  FROM pg_type t WHERE t.typnamespace IN (SELECT nsp FROM own)
  UNION ALL SELECT concat_ws(' ', 'nsp', nspname, nspacl::text) FROM pg_namespace
  UNION ALL SELECT concat_ws(' ', 'ext', extname, extversion) FROM pg_extension
  UNION ALL SELECT concat_ws(' ', 'pol', polname, polrelid::regclass) FROM pg_policy
  UNION ALL SELECT concat_ws(' ', 'pub', pubname) FROM pg_publication
  UNION ALL SELECT concat_ws(' ', 'set', array_to_string(setconfig, ',')) FROM pg_db_role_setting
  WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT concat_ws(' ', 'prep', gid) FROM pg_prepared_xacts WHERE database = current_database()
  UNION ALL SELECT concat_ws(' ', 'lo', count(*)) FROM pg_largeobject_metadata
) AS definition(item)
"""

# The tables whose rows are the migrations' own (kept), and the statement that lists every other table.
KEPT_TABLES = ("alembic_version_postings", "alembic_version_matching")
DATA_TABLES = """
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence = 'p'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND NOT (n.nspname = 'public' AND c.relname = ANY($1::text[]))
"""


class PgDatabases:
    """Each test's databases, made on one admin connection; used ones dropped or recycled in the background.

    A fresh copy is `CREATE DATABASE ... TEMPLATE`: about half a second of PostgreSQL's CPU (it copies
    the whole catalog), the largest part of a test's cost on PostgreSQL. So a test's database, once the
    test is over, is recycled when it can be: renamed (which PostgreSQL refuses while anyone is still
    connected, so a process a test left behind can never reach it again, and a new name is a new
    database to whoever connects), checked to have the template's definition (`FINGERPRINT`: a test that
    migrated, partitioned or altered it gets it dropped instead), and emptied (every row deleted with
    triggers off, every sequence back to its start), then handed to the next test asking for that
    service. A test therefore still starts on a database that has the template's schema and rows and
    that no one else is connected to. Dropping and recycling run in the background; `close()` waits for
    them and drops what is left."""

    def __init__(self, url: str, owns_templates: bool = True, label: str = "t") -> None:
        self.url = url
        self.owns_templates = owns_templates
        self.label = label  # the copies are named lingong_<label>_<service>_<worker>_<random>
        self.conn: asyncpg.Connection | None = None
        self._dropping: set[asyncio.Task[None]] = set()
        self._failed: list[BaseException] = []
        self._slots: asyncio.Semaphore | None = None
        self._service: dict[str, str] = {}  # database name → its service, for those handed out
        self._uses: dict[str, int] = {}  # database name → tests it has served
        self._spare: dict[str, list[str]] = defaultdict(list)  # service → recycled, ready databases
        self._fingerprint: dict[str, str] = {}  # service → its template's definition
        self._renamed: dict[str, str] = {}  # old name → new, while a recycle is under way
        self.created = 0
        self.recycled = 0

    async def create(self, service: str) -> tuple[str, str]:
        if self.conn is None:
            self.conn = await _admin(self.url)
        if self._spare[service]:
            name = self._spare[service].pop()
            self.recycled += 1
        else:
            while len(self._dropping) > DROPS_QUEUED:
                await asyncio.wait(self._dropping, return_when=asyncio.FIRST_COMPLETED)
            name = self._new_name(service)
            await self.conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_template_name(service)}"')
            self.created += 1
            self._uses[name] = 0
            if service not in self._fingerprint:
                self._fingerprint[service] = await self._definition(name)
        self._service[name] = service
        self._uses[name] += 1
        return name, make_url(self.url).set(database=name).render_as_string(hide_password=False)

    async def release(self, name: str) -> None:
        """A test is done with `name`: recycled for the next test in the background, or dropped."""
        service = self._service.pop(name, None)
        uses = self._uses.pop(name, 0)
        if service is None or uses >= REUSES:
            await self.drop(name)
            return
        self._background(self._recycle(name, service, uses))

    async def drop(self, name: str) -> None:
        """Starts dropping `name` (its connections are ended) and returns."""
        self._background(self._drop(name))

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._dropping.add(task)
        task.add_done_callback(self._dropped)

    def _dropped(self, task: asyncio.Task[None]) -> None:
        self._dropping.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._failed.append(task.exception())  # type: ignore[arg-type]

    def _new_name(self, service: str) -> str:
        return f"lingong_{self.label}_{service}_{worker()}_{uuid.uuid4().hex[:10]}"

    async def _definition(self, name: str) -> str:
        conn = await asyncpg.connect(_dsn(self.url, name), timeout=5)
        try:
            return str(await conn.fetchval(FINGERPRINT))
        finally:
            await conn.close()

    async def _recycle(self, name: str, service: str, uses: int) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(DROPS_AT_ONCE)
        async with self._slots:
            try:
                ready = await self._emptied(name, service)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                ready = None  # a busy server: the copy is dropped, as it was before recycling
            if ready is None:
                await self._drop_now(self._renamed.pop(name, name))
                return
            self._uses[ready] = uses
            self._spare[service].append(ready)

    async def _emptied(self, name: str, service: str) -> str | None:
        """`name` renamed and emptied back to its template's state, under its new name; None when it
        cannot be (connections stay, or its definition changed)."""
        new = self._new_name(service)
        if not await self._rename(name, new):
            return None
        self._renamed[name] = new
        conn = await asyncpg.connect(_dsn(self.url, new), timeout=BACKGROUND_TIMEOUT)
        try:
            if await conn.fetchval(FINGERPRINT) != self._fingerprint.get(service):
                return None
            tables = [row[0] for row in await conn.fetch(DATA_TABLES, list(KEPT_TABLES))]
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")
                for table in tables:
                    await conn.execute(f"DELETE FROM {table}")
                await conn.execute("SELECT setval(seqrelid, seqstart, false) FROM pg_sequence")
        finally:
            await conn.close()
        del self._renamed[name]
        return new

    async def _rename(self, name: str, new: str) -> bool:
        """`name` renamed to `new` once its last connection is gone (a closed client's server process
        takes a moment to end); False when connections stay. (PostgreSQL itself would wait 5 s before
        refusing the rename, so the connections are counted first.)"""
        conn = await _admin(self.url, timeout=BACKGROUND_TIMEOUT)
        try:
            for _ in range(CONNECTIONS_END_CHECKS):
                if not await conn.fetchval(CONNECTED, name):
                    break
                await asyncio.sleep(0.05)
            else:
                return False
            try:
                await conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{new}"')
            except asyncpg.ObjectInUseError:
                return False
            return True
        finally:
            await conn.close()

    async def _drop(self, name: str) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(DROPS_AT_ONCE)
        async with self._slots:
            await self._drop_now(name)

    async def _drop_now(self, name: str) -> None:
        conn = await _admin(self.url, timeout=BACKGROUND_TIMEOUT)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    async def close(self) -> None:
        """Waits for every drop and recycle, then drops the recycled copies, those still handed out and the
        templates it owns."""
        await asyncio.gather(*self._dropping, return_exceptions=True)
        print("DBSTATS", self.created, self.recycled)
        for spares in self._spare.values():
            for name in spares:
                await self.drop(name)
        self._spare.clear()
        for name in list(self._service):  # handed out and never released (a test that did not finish)
            await self.drop(name)
        self._service.clear()
        if self.owns_templates:
            for service in SERVICES:
                await self.drop(_template_name(service))
        await asyncio.gather(*self._dropping, return_exceptions=True)
        if self.conn is not None:
            await self.conn.close()
        if self._failed:
            raise self._failed[0]  # a drop or recycle that failed fails the session's teardown


def prepare_sqlite_templates(directory: Path) -> dict[str, Path]:
    out = {}
    for service in SERVICES:
        path = directory / f"template_{service}.db"
        upgrade(service, f"sqlite+aiosqlite:///{path}")
        out[service] = path
    return out


def sqlite_copy(template: Path, directory: Path, service: str) -> str:
    target = directory / f"{service}.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


def _pg_name(label: str, service: str) -> str:
    return f"lingong_{label}_{service}_{worker()}"


def create_pg_databases(url: str, label: str) -> dict[str, str]:
    """A fresh, migrated database per service (`lingong_<label>_<service>_<worker>`, a leftover of that
    name dropped first), for processes started outside pytest (the e2e services); their URLs."""

    async def recreate(name: str) -> None:
        conn = await _admin(url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    out = {}
    for service in SERVICES:
        name = _pg_name(label, service)
        asyncio.run(recreate(name))
        out[service] = make_url(url).set(database=name).render_as_string(hide_password=False)
        upgrade(service, out[service])
    return out


def drop_pg_databases(url: str, label: str) -> None:
    async def drop() -> None:
        conn = await _admin(url)
        try:
            for service in SERVICES:
                await conn.execute(f'DROP DATABASE IF EXISTS "{_pg_name(label, service)}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())
