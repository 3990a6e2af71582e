"""Monthly partitions on PostgreSQL (declarative range partitioning): the outbox on `created_at`, the
engagements on `starts_at` (the shift's start).

The feed is the biggest and fastest-growing table: one row per change, kept for consumers that replay;
the engagements (one row per seat booked, the wage records) come next. Partitioned by month, an old month
is dropped in one cheap statement instead of a long DELETE, and reads of recent rows touch only the recent
partitions' indexes.

- `<table>_default` (the DEFAULT partition) catches a row whose month has no partition yet, so an insert
  never fails; `ensure_months` moves such rows into their month's partition when it creates it (an
  engagement's disputes, appeals, ratings and wrong-code records are set aside and put back, as the move
  is a delete and an insert that their cascading foreign keys would otherwise follow).
- The service creates the current month and `ahead` months after it at start and every few hours
  (`PartitionKeeper`); `lingong partitions` does the same from cron, and `--drop-before YYYY-MM` drops
  whole months before a date: the outbox's once every consumer is past them (the relay's JetStream stream
  and the replicas keep their own copies); the engagements' only when no wage record in them is still
  kept (`KeptWageRecords`: unpaid or disputed, a pending appeal, or within `WAGE_KEEP_DAYS`).
SQLite has no partitioning: every function here is a no-op on it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.clock import Clock
from services.kit.db import build_engine, build_sessionmaker, is_postgres
from services.kit.periodic import PeriodicTask
from services.kit.settings import ServiceSettings
from services.kit.uow import unit_of_work
from services.postings.engagements.models import SETTLED

_LOCK = 7_146_201  # pg_advisory_xact_lock key: one partition maker at a time


@dataclass(frozen=True, slots=True)
class Partitioned:
    """A table partitioned by month on `column`, and the tables whose foreign keys name a row of it with
    that column (as `<dependant_column>`), which move with the row out of the default partition."""

    table: str
    column: str
    dependants: tuple[str, ...] = ()
    dependant_column: str = ""

    @property
    def default(self) -> str:
        return f"{self.table}_default"


OUTBOX = Partitioned("outbox", "created_at")
ENGAGEMENTS = Partitioned(
    "engagements",
    "starts_at",
    ("disputes", "appeals", "ratings", "checkin_code_failures"),
    "engagement_starts_at",
)
TABLES = (OUTBOX, ENGAGEMENTS)
TABLE = OUTBOX.table
DEFAULT = OUTBOX.default


def month_start(when: date | datetime) -> date:
    return date(when.year, when.month, 1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def partition_name(month: date, spec: Partitioned = OUTBOX) -> str:
    return f"{spec.table}_p{month.year:04d}_{month.month:02d}"


def _bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Partition:
    name: str
    month: date | None  # None: the default partition
    rows: int


class KeptWageRecords(Exception):
    """An engagement month that may not be dropped: it still holds wage records to keep."""

    def __init__(self, month: date, count: int, why: str) -> None:
        super().__init__(f"engagements of {month.isoformat()[:7]}: {count} {why}")
        self.month, self.count, self.why = month, count, why


async def is_partitioned(session: AsyncSession, spec: Partitioned = OUTBOX) -> bool:
    if not is_postgres(session):
        return False
    kind = await session.scalar(
        text("SELECT c.relkind::text FROM pg_class c WHERE c.oid = to_regclass(:t)"), {"t": spec.table}
    )
    return bool(kind == "p")


async def _months(session: AsyncSession, spec: Partitioned = OUTBOX) -> list[tuple[str, date | None]]:
    """The table's partitions by name and month (None: the default), oldest first; no rows counted."""
    names = (
        await session.scalars(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = to_regclass(:t) ORDER BY c.relname"
            ),
            {"t": spec.table},
        )
    ).all()
    found = [
        (name, None if name == spec.default else date(int(name[-7:-3]), int(name[-2:]), 1)) for name in names
    ]
    return sorted(found, key=lambda p: (p[1] is None, p[1] or date.min))


async def partitions(session: AsyncSession, spec: Partitioned = OUTBOX) -> list[Partition]:
    """The table's partitions with their row counts, oldest month first, the default last (empty on
    SQLite). Counting reads every partition: for reports, not for the upkeep."""
    if not await is_partitioned(session, spec):
        return []
    return [
        Partition(name, month, int(await session.scalar(text(f'SELECT count(*) FROM "{name}"')) or 0))
        for name, month in await _months(session, spec)
    ]


async def ensure_months(
    session: AsyncSession, now: datetime, ahead: int = 3, spec: Partitioned = OUTBOX
) -> list[str]:
    """Create the partitions of this month and `ahead` months after it that are missing; returns them."""
    if not await is_partitioned(session, spec):
        return []
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
    existing = {name for name, _ in await _months(session, spec)}
    made = []
    month = month_start(now)
    for _ in range(ahead + 1):
        name = partition_name(month, spec)
        if name not in existing:
            await _create(session, month, spec)
            made.append(name)
        month = next_month(month)
    return made


def _range(month: date) -> dict[str, datetime]:
    return {
        "low": datetime.fromisoformat(_bound(month)),
        "high": datetime.fromisoformat(_bound(next_month(month))),
    }


async def _create(session: AsyncSession, month: date, spec: Partitioned) -> None:
    """A month's partition, taking over the rows of that month the default partition caught."""
    name, low, high = partition_name(month, spec), _bound(month), _bound(next_month(month))
    bounds = _range(month)
    within = f"{spec.column} >= :low AND {spec.column} < :high"
    await session.execute(
        text(f'CREATE TABLE "{name}" (LIKE {spec.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    )
    caught = await session.scalar(text(f'SELECT 1 FROM "{spec.default}" WHERE {within} LIMIT 1'), bounds)
    aside = [f"moving_{d}" for d in spec.dependants] if caught else []
    for dependant, temporary in zip(spec.dependants, aside, strict=False):
        # Their foreign keys cascade: deleted with the row from the default partition, put back after.
        await session.execute(
            text(
                f'CREATE TEMPORARY TABLE "{temporary}" ON COMMIT DROP AS SELECT * FROM {dependant} '
                f"WHERE {spec.dependant_column} >= :low AND {spec.dependant_column} < :high"
            ),
            bounds,
        )
    if caught:
        await session.execute(
            text(
                f'WITH moved AS (DELETE FROM "{spec.default}" WHERE {within} '
                f'RETURNING *) INSERT INTO "{name}" SELECT * FROM moved'
            ),
            bounds,
        )
    await session.execute(
        text(f"ALTER TABLE {spec.table} ATTACH PARTITION \"{name}\" FOR VALUES FROM ('{low}') TO ('{high}')")
    )
    for dependant, temporary in zip(spec.dependants, aside, strict=False):
        await session.execute(text(f'INSERT INTO {dependant} SELECT * FROM "{temporary}"'))
        await session.execute(text(f'DROP TABLE "{temporary}"'))


async def drop_before(
    session: AsyncSession,
    month: date,
    spec: Partitioned = OUTBOX,
    *,
    now: datetime | None = None,
    keep_days: int = 0,
) -> list[str]:
    """Drop every whole month before `month` (detached first, so readers are not blocked for long).

    Engagements: nothing is dropped (`KeptWageRecords`) if any of those months still holds a wage record
    to keep: an engagement not settled (booked, checked in, completed, confirmed, disputed: unpaid), an
    open dispute or pending appeal, or any record whose last moment is within `keep_days` of `now`. A
    dropped month takes its engagements' disputes, appeals, ratings and wrong-code records with it."""
    if not await is_partitioned(session, spec):
        return []
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
    old = [
        (n, start)
        for n, start in await _months(session, spec)
        if start is not None and start < month_start(month)
    ]
    if spec.dependants:
        for name, start in old:
            await _refuse_if_kept(session, name, start, now or datetime.now(UTC), keep_days)
    dropped = []
    for name, start in old:
        for dependant in spec.dependants:
            await session.execute(
                text(
                    f"DELETE FROM {dependant} WHERE {spec.dependant_column} >= :low "
                    f"AND {spec.dependant_column} < :high"
                ),
                _range(start),
            )
        await session.execute(text(f'ALTER TABLE {spec.table} DETACH PARTITION "{name}"'))
        await session.execute(text(f'DROP TABLE "{name}"'))
        dropped.append(name)
    return dropped


async def _refuse_if_kept(
    session: AsyncSession, name: str, month: date, now: datetime, keep_days: int
) -> None:
    """Raise `KeptWageRecords` when partition `name` (engagements of `month`) holds a record to keep."""
    settled = ", ".join(f"'{s}'" for s in SETTLED)
    unpaid = await session.scalar(text(f'SELECT count(*) FROM "{name}" WHERE status NOT IN ({settled})'))
    if unpaid:
        raise KeptWageRecords(month, int(unpaid), "engagements not settled (unpaid or disputed)")
    window = _range(month)
    for table, state in (("disputes", "open"), ("appeals", "pending")):
        waiting = await session.scalar(
            text(
                f"SELECT count(*) FROM {table} WHERE engagement_starts_at >= :low "
                f"AND engagement_starts_at < :high AND status = :state"
            ),
            {**window, "state": state},
        )
        if waiting:
            raise KeptWageRecords(month, int(waiting), f"{table} still {state}")
    since = now - timedelta(days=keep_days)
    recent = await session.scalar(
        text(
            f'SELECT count(*) FROM "{name}" e LEFT JOIN disputes d ON d.engagement_id = e.id '
            "AND d.county_adcode = e.county_adcode AND d.engagement_starts_at = e.starts_at "
            "WHERE GREATEST(e.ends_at, e.checked_out_at, e.confirmed_at, e.paid_at, e.cancelled_at, "
            "d.resolved_at) > :since"
        ),
        {"since": since},
    )
    if recent:
        raise KeptWageRecords(month, int(recent), f"wage records within the {keep_days}-day keep period")


class PartitionKeeper(PeriodicTask[list[str]]):
    """Keeps this month's and the next months' partitions made (a few times a day; cheap when done)."""

    what = "partition upkeep"
    task_name = "postings-partitions"
    span_name = "partition upkeep"

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, ahead: int) -> None:
        super().__init__()
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.ahead = ahead

    async def run_once(self) -> list[str]:
        made: list[str] = []
        async with unit_of_work(self.sessionmaker) as session:
            for spec in TABLES:
                made += await ensure_months(session, self.clock.now(), self.ahead, spec)
        return made

    def work(self, result: list[str]) -> dict[str, int] | None:
        return {"partitions.made": len(result)} if result else None

    def report(self, result: list[str]) -> None:
        if result:
            self.log.info("partitions made", extra={"partitions": result})


async def partition_report(
    settings: ServiceSettings,
    ahead: int,
    drop: date | None,
    table: str = OUTBOX.table,
    keep_days: int = 0,
) -> list[str]:
    """What `lingong partitions` does and prints: make ahead (both tables), drop `table`'s months before
    `drop`, list. Raises `KeptWageRecords` (nothing done) when engagement months hold kept records."""
    engine = build_engine(settings)
    now = datetime.now(UTC)
    try:
        async with unit_of_work(build_sessionmaker(engine)) as session:
            if not await is_partitioned(session):
                return ["the outbox is not partitioned here (SQLite, or not migrated): nothing to do"]
            lines = []
            for spec in TABLES:
                lines += [f"made {name}" for name in await ensure_months(session, now, ahead, spec)]
            if drop is not None:
                spec = next(s for s in TABLES if s.table == table)
                dropped = await drop_before(session, drop, spec, now=now, keep_days=keep_days)
                lines += [f"dropped {name}" for name in dropped]
            for spec in TABLES:
                for p in await partitions(session, spec):
                    month = p.month.isoformat()[:7] if p.month else "default"
                    lines.append(f"{p.name}\t{month}\t{p.rows} rows")
            return lines
    finally:
        await engine.dispose()
