"""county_adcode on shifts, posting_flags, ratings and checkin_code_failures (the Citus distribution
column of docs/postgresql.md), copied from the row's posting or engagement

New rows get it at creation; existing rows are filled here from their parent, then the column becomes
NOT NULL. Existing ids stay as they are (random UUIDs that carry no county: services/postings/shard.py).

Revision ID: e_citus_keys
Revises: d_outbox_partitions
Create Date: 2026-12-06 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e_citus_keys"
down_revision: str | None = "d_outbox_partitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table → (parent table, the column naming the parent, index the new column)
CHILDREN = {
    "shifts": ("postings", "posting_id", True),
    "posting_flags": ("postings", "posting_id", False),
    "ratings": ("engagements", "engagement_id", True),
    "checkin_code_failures": ("engagements", "engagement_id", False),
}


def upgrade() -> None:
    for table, (parent, ref, indexed) in CHILDREN.items():
        op.add_column(table, sa.Column("county_adcode", sa.String(length=6), nullable=True))
        op.execute(
            f"UPDATE {table} SET county_adcode = "
            f"(SELECT {parent}.county_adcode FROM {parent} WHERE {parent}.id = {table}.{ref})"
        )
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("county_adcode", existing_type=sa.String(length=6), nullable=False)
            if indexed:
                batch_op.create_index(batch_op.f(f"ix_{table}_county_adcode"), ["county_adcode"], unique=False)


def downgrade() -> None:
    for table, (_, _, indexed) in CHILDREN.items():
        with op.batch_alter_table(table) as batch_op:
            if indexed:
                batch_op.drop_index(batch_op.f(f"ix_{table}_county_adcode"))
            batch_op.drop_column("county_adcode")
