"""engagements partitioned by month on PostgreSQL (range on starts_at, a DEFAULT partition as a net)

A partitioned table's unique keys must hold the partition column, so on PostgreSQL the key becomes
(id, county_adcode, starts_at): the Citus distribution column and the partition column (a distributed
partitioned table needs both). starts_at is the shift's start, the same for every seat of a shift, so
the one-active-seat index keeps its meaning with it added. The four tables that reference an engagement
(disputes, appeals, ratings, checkin_code_failures) get engagement_starts_at, copied from their
engagement, and on PostgreSQL their foreign keys become (engagement_id, county_adcode,
engagement_starts_at). Existing rows are copied into their months' partitions; ids do not change.
SQLite has no partitioning: it only gets the new column (its foreign keys stay on the id).

Revision ID: f_engagement_partitions
Revises: e_merge_1
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "f_engagement_partitions"
down_revision: str | None = "e_merge_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHILDREN = ("disputes", "appeals", "ratings", "checkin_code_failures")
AHEAD = 3  # months made after this one (the service's upkeep makes them too)


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


def _fk(table: str) -> str:
    return f"fk_{table}_engagement_id_engagements"


def _shape(bind: sa.Connection) -> tuple[list[str], list[str]]:
    """The engagements table's secondary indexes (not the key, not the one unique index, both remade by
    hand) and its outgoing foreign keys, as statements that make them again on a new `engagements`."""
    indexes = bind.execute(
        sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'engagements' ORDER BY indexname"
        )
    ).all()
    keys = bind.execute(
        sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass('engagements') AND contype = 'f' ORDER BY conname"
        )
    ).all()
    remade = [d for n, d in indexes if n not in ("pk_engagements", "uq_engagements_active_seat")]
    return remade, [f'ALTER TABLE engagements ADD CONSTRAINT "{n}" {d}' for n, d in keys]


def _set_aside(bind: sa.Connection, table: str, suffix: str) -> None:
    """Rename `engagements` to `table` and its indexes with `suffix` (index names are per schema)."""
    op.execute(f"ALTER TABLE engagements RENAME TO {table}")
    names = bind.execute(
        sa.text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :t"),
        {"t": table},
    ).scalars()
    for name in list(names):
        op.execute(f'ALTER INDEX "{name}" RENAME TO "{name[: 63 - len(suffix)]}{suffix}"')


def _partitioned_copy(bind: sa.Connection) -> None:
    indexes, keys = _shape(bind)
    _set_aside(bind, "engagements_unpartitioned", "_old")
    op.execute(
        "CREATE TABLE engagements (LIKE engagements_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        " PARTITION BY RANGE (starts_at)"
    )
    op.execute(
        "ALTER TABLE engagements ADD CONSTRAINT pk_engagements PRIMARY KEY (id, county_adcode, starts_at)"
    )
    for statement in (*indexes, *keys):
        op.execute(statement)
    op.execute(
        "CREATE UNIQUE INDEX uq_engagements_active_seat ON engagements (shift_id, seeker_id, starts_at) "
        "WHERE status IN ('booked', 'checked_in')"
    )
    op.execute("CREATE TABLE engagements_default PARTITION OF engagements DEFAULT")
    span = bind.execute(sa.text("SELECT min(starts_at) FROM engagements_unpartitioned")).one()
    today = datetime.now(UTC).date()
    month = date(span[0].year, span[0].month, 1) if span[0] else date(today.year, today.month, 1)
    month = min(month, date(today.year, today.month, 1))
    last = date(today.year, today.month, 1)
    for _ in range(AHEAD):
        last = _next(last)
    while month <= last:  # later months stay in the default partition until the upkeep makes them
        op.execute(
            f"CREATE TABLE engagements_p{month.year:04d}_{month.month:02d} PARTITION OF engagements "
            f"FOR VALUES FROM ('{_bound(month)}') TO ('{_bound(_next(month))}')"
        )
        month = _next(month)
    op.execute("INSERT INTO engagements SELECT * FROM engagements_unpartitioned")
    op.execute("DROP TABLE engagements_unpartitioned")


def upgrade() -> None:
    bind = op.get_bind()
    for table in CHILDREN:
        op.add_column(table, sa.Column("engagement_starts_at", sa.DateTime(timezone=True), nullable=True))
        op.execute(
            f"UPDATE {table} SET engagement_starts_at = "
            f"(SELECT engagements.starts_at FROM engagements WHERE engagements.id = {table}.engagement_id)"
        )
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                "engagement_starts_at", existing_type=sa.DateTime(timezone=True), nullable=False
            )
    if bind.dialect.name != "postgresql":
        return
    for table in CHILDREN:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_fk(table)}")
    _partitioned_copy(bind)
    for table in CHILDREN:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {_fk(table)} "
            "FOREIGN KEY (engagement_id, county_adcode, engagement_starts_at) "
            "REFERENCES engagements (id, county_adcode, starts_at) ON DELETE CASCADE"
        )
        # Finds a month's dependants when it is dropped (and the moves out of the default partition).
        op.execute(f"CREATE INDEX ix_{table}_engagement_starts_at ON {table} (engagement_starts_at)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in CHILDREN:
            op.execute(f"DROP INDEX ix_{table}_engagement_starts_at")
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_fk(table)}")
        indexes, keys = _shape(bind)
        _set_aside(bind, "engagements_partitioned", "_part")
        op.execute(
            "CREATE TABLE engagements (LIKE engagements_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        op.execute("ALTER TABLE engagements ADD CONSTRAINT pk_engagements PRIMARY KEY (id)")
        for statement in (*indexes, *keys):
            op.execute(statement)
        op.execute(
            "CREATE UNIQUE INDEX uq_engagements_active_seat ON engagements (shift_id, seeker_id) "
            "WHERE status IN ('booked', 'checked_in')"
        )
        op.execute("INSERT INTO engagements SELECT * FROM engagements_partitioned")
        op.execute("DROP TABLE engagements_partitioned")  # its partitions go with it
        for table in CHILDREN:
            op.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {_fk(table)} FOREIGN KEY (engagement_id) "
                "REFERENCES engagements (id) ON DELETE CASCADE"
            )
    for table in CHILDREN:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("engagement_starts_at")
