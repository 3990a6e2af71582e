"""retention notices: inactive profiles told of their erasure, then erased or kept

Revision ID: d_retention_notices
Revises: c_merge_1
Create Date: 2026-12-06 20:30:00

Written by hand and checked against the model. A new table and its indexes only: the same on PostgreSQL
and SQLite. One pending notice per seeker (a partial unique index).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d_retention_notices"
down_revision: str | Sequence[str] | None = "c_merge_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "retention_notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("last_active_at", TZ, nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        sa.Column("erase_after", TZ, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resolved_at", TZ, nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_notices")),
    )
    op.create_index(
        "uq_retention_notices_pending",
        "retention_notices",
        ["seeker_id"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_retention_notices_status_erase_after", "retention_notices", ["status", "erase_after"], unique=False
    )
    op.create_index("ix_retention_notices_seeker_id", "retention_notices", ["seeker_id", "sent_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_retention_notices_seeker_id", table_name="retention_notices")
    op.drop_index("ix_retention_notices_status_erase_after", table_name="retention_notices")
    op.drop_index("uq_retention_notices_pending", table_name="retention_notices")
    op.drop_table("retention_notices")
