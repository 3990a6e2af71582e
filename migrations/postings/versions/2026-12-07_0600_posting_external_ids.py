"""posting_external_ids: an imported posting's (source, external_id) → its id and county, so the import
finds the posting on its county's shard instead of asking every shard (docs/postgresql.md, "Citus: the
plan"); filled from the postings that have an external id

Revision ID: g_posting_external_ids
Revises: f_engagement_partitions
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "g_posting_external_ids"
down_revision: str | None = "f_engagement_partitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "posting_external_ids",
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.PrimaryKeyConstraint("source", "external_id", name=op.f("pk_posting_external_ids")),
        sa.UniqueConstraint("posting_id", name=op.f("uq_posting_external_ids_posting_id")),
    )
    op.execute(
        "INSERT INTO posting_external_ids (source, external_id, posting_id, county_adcode) "
        "SELECT source, external_id, id, county_adcode FROM postings "
        "WHERE source IS NOT NULL AND external_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("posting_external_ids")
