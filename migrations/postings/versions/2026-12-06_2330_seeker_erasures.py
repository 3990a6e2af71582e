"""seeker erasures: the matching service's erasure requests, held while wage records keep the id

Revision ID: e_seeker_erasures
Revises: d_outbox_partitions
Create Date: 2026-12-06 23:30:00

Written by hand and checked against the model. A new table and its indexes only: the same on PostgreSQL
and SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e_seeker_erasures"
down_revision: str | Sequence[str] | None = "d_outbox_partitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "seeker_erasures",
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("seeker_id", sa.String(length=200), nullable=True),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("hold_until", TZ, nullable=True),
        sa.Column("done_at", TZ, nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("pseudonym", name=op.f("pk_seeker_erasures")),
        sa.UniqueConstraint("seeker_id", name=op.f("uq_seeker_erasures_seeker_id")),
    )
    op.create_index("ix_seeker_erasures_status", "seeker_erasures", ["status", "pseudonym"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_seeker_erasures_status", table_name="seeker_erasures")
    op.drop_table("seeker_erasures")
