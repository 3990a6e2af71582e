"""seeker_id_numbers: which seeker holds an ID number, filled from the sensitive records

Revision ID: f_seeker_id_numbers
Revises: e_merge_1
Create Date: 2026-12-07 13:00:00

Written by hand and checked against the model. A new table (primary key the number's lookup hash, each
seeker at most once), filled from `seeker_sensitive.id_number_hmac`, whose own unique index already
holds one seeker per number. At the cut-over to Citus this table stays on the coordinator and keeps
that meaning across shards (docs/postgresql.md). The same on PostgreSQL and SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f_seeker_id_numbers"
down_revision: str | Sequence[str] | None = "e_merge_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seeker_id_numbers",
        sa.Column("id_number_hmac", sa.String(length=64), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id_number_hmac", name=op.f("pk_seeker_id_numbers")),
        sa.UniqueConstraint("seeker_id", name=op.f("uq_seeker_id_numbers_seeker_id")),
    )
    op.execute(
        "INSERT INTO seeker_id_numbers (id_number_hmac, seeker_id) "
        "SELECT id_number_hmac, seeker_id FROM seeker_sensitive WHERE id_number_hmac IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("seeker_id_numbers")
