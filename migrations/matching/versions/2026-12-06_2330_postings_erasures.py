"""postings erasures: a seeker's erasure passed on to the postings service until it acknowledges

Revision ID: e_postings_erasures
Revises: d_merge_1
Create Date: 2026-12-06 23:30:00

Written by hand and checked against the model. A new table and its index only: the same on PostgreSQL
and SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e_postings_erasures"
down_revision: str | Sequence[str] | None = "d_merge_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "postings_erasures",
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=True),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("delivered_at", TZ, nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("pseudonym", name=op.f("pk_postings_erasures")),
    )
    op.create_index(
        "ix_postings_erasures_due", "postings_erasures", ["delivered_at", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_postings_erasures_due", table_name="postings_erasures")
    op.drop_table("postings_erasures")
