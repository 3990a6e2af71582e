"""outbox partitioned by month on PostgreSQL (range on created_at, a DEFAULT partition as a net)

The primary key becomes (seq, created_at), as a partitioned table's unique keys must hold the partition
key; seq stays unique (one sequence feeds every partition). Existing rows are copied into their months'
partitions. SQLite has no partitioning and is left as it is.

Revision ID: d_outbox_partitions
Revises: 7a1c0e5d2b94
Create Date: 2026-12-06 20:40:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "d_outbox_partitions"
down_revision: str | None = "7a1c0e5d2b94"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _months(first: date, last: date) -> list[date]:
    months, month = [], date(first.year, first.month, 1)
    while month <= last:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def _bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE outbox RENAME TO outbox_unpartitioned")
    op.execute("ALTER INDEX pk_outbox RENAME TO pk_outbox_unpartitioned")
    op.execute("ALTER INDEX ix_outbox_aggregate_id RENAME TO ix_outbox_unpartitioned_aggregate_id")
    op.execute(
        """
        CREATE TABLE outbox (
            seq BIGINT NOT NULL DEFAULT nextval('outbox_seq_seq'),
            type VARCHAR(60) NOT NULL,
            schema_version INTEGER NOT NULL,
            aggregate_id VARCHAR(64) NOT NULL,
            data JSON NOT NULL,
            created_at TIMESTAMP WITH TIME ZONE NOT NULL,
            CONSTRAINT pk_outbox PRIMARY KEY (seq, created_at)
        ) PARTITION BY RANGE (created_at)
        """
    )
    op.execute("CREATE INDEX ix_outbox_aggregate_id ON outbox (aggregate_id)")
    op.execute("CREATE TABLE outbox_default PARTITION OF outbox DEFAULT")
    span = bind.execute(sa.text("SELECT min(created_at), max(created_at) FROM outbox_unpartitioned")).one()
    today = datetime.now(UTC).date()
    first = min(span[0].date(), today) if span[0] else today
    last = max(span[1].date(), today) if span[1] else today
    for month in _months(first, last):
        after = _months(month, month)[0]
        following = date(after.year + (after.month == 12), after.month % 12 + 1, 1)
        op.execute(
            f"CREATE TABLE outbox_p{month.year:04d}_{month.month:02d} PARTITION OF outbox "
            f"FOR VALUES FROM ('{_bound(month)}') TO ('{_bound(following)}')"
        )
    op.execute("INSERT INTO outbox SELECT * FROM outbox_unpartitioned")
    op.execute("ALTER SEQUENCE outbox_seq_seq OWNED BY outbox.seq")
    op.execute("DROP TABLE outbox_unpartitioned")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE outbox RENAME TO outbox_partitioned")
    op.execute("ALTER INDEX pk_outbox RENAME TO pk_outbox_partitioned")
    op.execute("ALTER INDEX ix_outbox_aggregate_id RENAME TO ix_outbox_partitioned_aggregate_id")
    op.execute(
        """
        CREATE TABLE outbox (
            seq BIGINT NOT NULL DEFAULT nextval('outbox_seq_seq'),
            type VARCHAR(60) NOT NULL,
            schema_version INTEGER NOT NULL,
            aggregate_id VARCHAR(64) NOT NULL,
            data JSON NOT NULL,
            created_at TIMESTAMP WITH TIME ZONE NOT NULL,
            CONSTRAINT pk_outbox PRIMARY KEY (seq)
        )
        """
    )
    op.execute("CREATE INDEX ix_outbox_aggregate_id ON outbox (aggregate_id)")
    op.execute("INSERT INTO outbox SELECT * FROM outbox_partitioned")
    op.execute("ALTER SEQUENCE outbox_seq_seq OWNED BY outbox.seq")
    op.execute("DROP TABLE outbox_partitioned")
