"""outbox rows carry the W3C trace context of the request that wrote them (traceparent, tracestate)

Nullable columns, null while tracing is off. On PostgreSQL the outbox is partitioned by month
(d_outbox_partitions): ALTER TABLE on the parent adds the columns to every partition, and the
partitions made later (`LIKE outbox`) have them too.

Revision ID: e_outbox_trace
Revises: d_outbox_partitions
Create Date: 2026-12-06 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e_outbox_trace"
down_revision: str | None = "d_outbox_partitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("traceparent", sa.String(length=100), nullable=True))
    op.add_column("outbox", sa.Column("tracestate", sa.String(length=512), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("tracestate")
        batch_op.drop_column("traceparent")
