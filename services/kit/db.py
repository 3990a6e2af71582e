"""Async SQLAlchemy engines and sessions: one unit of work per request, SQLite in WAL mode."""

import asyncio
import re
import time
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from services.kit.settings import ServiceSettings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A writer on SQLite asks for this execution option so its transaction starts with BEGIN IMMEDIATE:
# two deferred transactions that both read and then write deadlock instead of queueing.
WRITER = {"lingong_writer": True}


# SQLite's busy handler lets a waiting writer retry every 100 ms at most; a bulk writer that commits and
# begins again at once starves it until its busy timeout (a 503). A longer pause between batches lets it in.
SQLITE_WRITER_GAP_SECONDS = 0.12


async def let_other_writers_in(settings: ServiceSettings) -> None:
    """Between a bulk writer's batches: give the writers waiting for the lock their turn."""
    await asyncio.sleep(SQLITE_WRITER_GAP_SECONDS if settings.is_sqlite else 0)


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class KitBase(DeclarativeBase):
    """Marker base; each service declares its own Base with its own MetaData."""

    __abstract__ = True


def _install_sqlite_hooks(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN IMMEDIATE can be issued.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode")
        if str(cur.fetchone()[0]).lower() != "wal":  # migrations set it on the file; this is a fallback
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        writer = conn.get_execution_options().get("lingong_writer", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def _install_idle_ping(engine: AsyncEngine, idle_seconds: float) -> None:
    """Test a pooled connection at checkout only when it sat unused `idle_seconds` or longer (the
    pessimistic disconnect recipe): a busy pool makes no extra round trip per checkout. SQLAlchemy's
    pool_pre_ping pings at every checkout, and on asyncpg a ping is three round trips (BEGIN, ";",
    ROLLBACK): more than a posting read's own queries. A connection returned moments ago was alive
    moments ago; one a database restart broke within the window fails its request, and that disconnect
    invalidates the pool."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["lingong_idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("lingong_idle_since")  # None: a new connection, just made
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            sync_engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # noqa: BLE001 - any failure: the pool replaces this connection
            raise DisconnectionError("the pooled connection is gone") from exc


def build_engine(settings: ServiceSettings) -> AsyncEngine:
    """The service's engine; built in lifespan, never at import."""
    url = settings.database_url
    # hide_parameters: a database error logged with its traceback names the statement, never its values
    # (phones, ID numbers and free text travel as parameters).
    # pool_use_lifo: the connection returned last is handed out first, so under a steady load the same few
    # stay busy (and skip the idle ping) while the rest age out; first in, first out rotates through all.
    idle_ping = settings.database_ping_after_idle_seconds
    kwargs: dict[str, Any] = {
        "echo": settings.database_echo,
        "pool_pre_ping": not idle_ping,
        "hide_parameters": True,
        "pool_use_lifo": True,
    }
    if settings.is_sqlite:
        path = settings.sqlite_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": settings.sqlite_busy_timeout_ms / 1000}
    else:
        kwargs["pool_size"] = settings.database_pool_size
        kwargs["max_overflow"] = settings.database_pool_size
    engine = create_async_engine(url, **kwargs)
    if idle_ping:
        _install_idle_ping(engine, idle_ping)
    if settings.is_sqlite:
        _install_sqlite_hooks(engine, settings.sqlite_busy_timeout_ms)
    else:
        guard_reads(engine)
    return engine


def build_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


# A read (GET) on PostgreSQL runs without BEGIN and ROLLBACK: two of a posting read's four round trips.
# Under READ COMMITTED every statement takes its own snapshot with or without a transaction, so what a
# read sees is the same. What a transaction gave a read besides, a write rolled back at its end and a
# lock held to it, is refused instead (ReadOnlyRequest): a read that writes or locks is a bug to find.
_READ_ONLY = "lingong_read_only"
_PLAIN_SELECT = re.compile(r"^\s*SELECT\b", re.IGNORECASE)
_WRITES_OR_LOCKS = re.compile(
    r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b|pg_advisory|pg_try_advisory|nextval",
    re.IGNORECASE,
)


class ReadOnlyRequest(RuntimeError):
    """A statement that writes or locks, run by a request that reads without a transaction."""


READS_ALONE: dict[str, Any] = {"isolation_level": "AUTOCOMMIT", _READ_ONLY: True}


def _only_reads(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    if conn.get_execution_options().get(_READ_ONLY) and (
        not _PLAIN_SELECT.match(statement) or _WRITES_OR_LOCKS.search(statement)
    ):
        raise ReadOnlyRequest("a read-only request ran a statement that writes or locks")


def guard_reads(engine: AsyncEngine) -> None:
    """Refuse a writing or locking statement on a connection that reads without a transaction (once per
    engine: `build_engine` does it for every PostgreSQL engine, `reader_engine` for any other)."""
    if not event.contains(engine.sync_engine, "before_cursor_execute", _only_reads):
        event.listen(engine.sync_engine, "before_cursor_execute", _only_reads)


def reader_engine(engine: AsyncEngine) -> AsyncEngine:
    """The engine's reads without a transaction (PostgreSQL; SQLite keeps its read transaction, whose
    snapshot spans the request). Same pool; a writing or locking statement raises ReadOnlyRequest."""
    if engine.dialect.name != "postgresql":
        return engine
    guard_reads(engine)
    return engine.execution_options(**READS_ALONE)


async def reads_alone(session: AsyncSession) -> None:
    """The same for one unit of work that decides as it runs (a seeker's own matches, an employer's
    candidates): each of its statements runs on its own on PostgreSQL, guarded as a reader engine's are.
    Call it before the session's first statement; nothing to do on SQLite."""
    if is_postgres(session) and not session.in_transaction():
        await session.connection(execution_options=READS_ALONE)


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def is_busy(exc: BaseException) -> bool:
    """An embedded (SQLite) database whose write lock another writer held past the busy timeout: a
    background task should try again at its next round rather than report a failure."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)
