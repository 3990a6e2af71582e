"""Monthly partitions of the outbox on PostgreSQL (declarative range partitioning on `created_at`).

The feed is the biggest and fastest-growing table: one row per change, kept for consumers that replay.
Partitioned by month, an old month is dropped in one cheap statement instead of a long DELETE, and the
feed's reads (`seq > cursor ORDER BY seq`) touch only the recent partitions' indexes.

- `outbox_default` (the DEFAULT partition) catches a row whose month has no partition yet, so an insert
  never fails; `ensure_months` moves such rows into their month's partition when it creates it.
- The service creates the current month and `ahead` months after it at start and once a day
  (`PartitionKeeper`); `lingong partitions` does the same from cron, and `--drop-before YYYY-MM` drops
  whole months before a date once every consumer is past them (the relay's JetStream stream and the
  replicas keep their own copies).
SQLite has no partitioning: every function here is a no-op on it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import Clock
from services.kit.db import build_engine, build_sessionmaker, is_postgres
from services.kit.periodic import PeriodicTask
from services.kit.settings import ServiceSettings
from services.kit.uow import unit_of_work

TABLE = "outbox"
DEFAULT = f"{TABLE}_default"
_LOCK = 7_146_201  # pg_advisory_xact_lock key: one partition maker at a time


def month_start(when: date | datetime) -> date:
    return date(when.year, when.month, 1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_p{month.year:04d}_{month.month:02d}"


def _bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Partition:
    name: str
    month: date | None  # None: the default partition
    rows: int


async def is_partitioned(session: AsyncSession) -> bool:
    if not is_postgres(session):
        return False
    kind = await session.scalar(
        text("SELECT c.relkind::text FROM pg_class c WHERE c.oid = to_regclass(:t)"), {"t": TABLE}
    )
    return bool(kind == "p")


async def _months(session: AsyncSession) -> list[tuple[str, date | None]]:
    """The outbox's partitions by name and month (None: the default), oldest first; no rows counted."""
    names = (
        await session.scalars(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = to_regclass(:t) ORDER BY c.relname"
            ),
            {"t": TABLE},
        )
    ).all()
    found = [(name, None if name == DEFAULT else date(int(name[-7:-3]), int(name[-2:]), 1)) for name in names]
    return sorted(found, key=lambda p: (p[1] is None, p[1] or date.min))


async def partitions(session: AsyncSession) -> list[Partition]:
    """The outbox's partitions with their row counts, oldest month first, the default last (empty on
    SQLite). Counting reads every partition: for reports, not for the upkeep."""
    if not await is_partitioned(session):
        return []
    return [
        Partition(name, month, int(await session.scalar(text(f'SELECT count(*) FROM "{name}"')) or 0))
        for name, month in await _months(session)
    ]


async def ensure_months(session: AsyncSession, now: datetime, ahead: int = 3) -> list[str]:
    """Create the partitions of this month and `ahead` months after it that are missing; returns them."""
    if not await is_partitioned(session):
        return []
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
    existing = {name for name, _ in await _months(session)}
    made = []
    month = month_start(now)
    for _ in range(ahead + 1):
        name = partition_name(month)
        if name not in existing:
            await _create(session, month)
            made.append(name)
        month = next_month(month)
    return made


async def _create(session: AsyncSession, month: date) -> None:
    """A month's partition, taking over the rows of that month the default partition caught."""
    name, low, high = partition_name(month), _bound(month), _bound(next_month(month))
    await session.execute(
        text(f'CREATE TABLE "{name}" (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    )
    await session.execute(
        text(
            f'WITH moved AS (DELETE FROM "{DEFAULT}" WHERE created_at >= :low AND created_at < :high '
            f'RETURNING *) INSERT INTO "{name}" SELECT * FROM moved'
        ),
        {"low": datetime.fromisoformat(low), "high": datetime.fromisoformat(high)},
    )
    await session.execute(
        text(f"ALTER TABLE {TABLE} ATTACH PARTITION \"{name}\" FOR VALUES FROM ('{low}') TO ('{high}')")
    )


async def drop_before(session: AsyncSession, month: date) -> list[str]:
    """Drop every whole month before `month` (detached first, so readers are not blocked for long)."""
    if not await is_partitioned(session):
        return []
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
    dropped = []
    for name, start in await _months(session):
        if start is not None and start < month_start(month):
            await session.execute(text(f'ALTER TABLE {TABLE} DETACH PARTITION "{name}"'))
            await session.execute(text(f'DROP TABLE "{name}"'))
            dropped.append(name)
    return dropped


class PartitionKeeper(PeriodicTask[list[str]]):
    """Keeps this month's and the next months' partitions made (a few times a day; cheap when done)."""

    what = "outbox partition upkeep"
    task_name = "postings-partitions"
    span_name = "partition upkeep"

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, ahead: int) -> None:
        super().__init__()
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.ahead = ahead

    async def run_once(self) -> list[str]:
        async with unit_of_work(self.sessionmaker) as session:
            return await ensure_months(session, self.clock.now(), self.ahead)

    def work(self, result: list[str]) -> dict[str, int] | None:
        return {"partitions.made": len(result)} if result else None

    def report(self, result: list[str]) -> None:
        if result:
            self.log.info("outbox partitions made", extra={"partitions": result})


async def partition_report(settings: ServiceSettings, ahead: int, drop: date | None) -> list[str]:
    """What `lingong partitions` does and prints: make ahead, drop before, list."""
    engine = build_engine(settings)
    try:
        async with unit_of_work(build_sessionmaker(engine)) as session:
            if not await is_partitioned(session):
                return ["the outbox is not partitioned here (SQLite, or not migrated): nothing to do"]
            lines = [f"made {name}" for name in await ensure_months(session, datetime.now(UTC), ahead)]
            if drop is not None:
                lines += [f"dropped {name}" for name in await drop_before(session, drop)]
            for p in await partitions(session):
                lines.append(f"{p.name}\t{p.month.isoformat()[:7] if p.month else 'default'}\t{p.rows} rows")
            return lines
    finally:
        await engine.dispose()
