"""serving: staff overrides of matches, the seeker change journal, employer owners in the replica

Revision ID: b2_serving
Revises: b1_seekers, b1_replica
Create Date: 2026-11-24 09:00:00

Also the merge of the two parts' heads. Written by hand and checked against autogenerate:
- `match_overrides`: one row per pin or hide, kept after it is revoked; at most one live override per
  (seeker, posting) (partial unique index, as for consents);
- `seeker_changes`: the seekers part's journal of changed ranking inputs, numbered in commit order;
- `replica_employers.owner_sub`: the account that manages the employer (the feed has carried it since
  the employer snapshot gained it), to tell an employer's own postings from others'. Rows replicated
  before this migration keep NULL until their employer's next event.
New tables, a nullable column and indexes only: the same on PostgreSQL and SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2_serving"
down_revision: str | Sequence[str] | None = ("b1_seekers", "b1_replica")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
SEQ_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite auto-increments INTEGER only


def upgrade() -> None:
    op.create_table(
        "match_overrides",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=4), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("staff_sub", sa.String(length=200), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("revoked_by_sub", sa.String(length=200), nullable=True),
        sa.Column("revoked_by_station", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_overrides")),
    )
    op.create_index(
        "ix_match_overrides_seeker_id_created_at", "match_overrides", ["seeker_id", "created_at", "id"]
    )
    op.create_index(
        "uq_match_overrides_active",
        "match_overrides",
        ["seeker_id", "posting_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
        sqlite_where=sa.text("revoked_at IS NULL"),
    )

    op.create_table(
        "seeker_changes",
        sa.Column("id", SEQ_PK, autoincrement=True, nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seeker_changes")),
    )
    op.create_index(op.f("ix_seeker_changes_at"), "seeker_changes", ["at"])

    op.add_column("replica_employers", sa.Column("owner_sub", sa.String(length=200), nullable=True))
    op.create_index(op.f("ix_replica_employers_owner_sub"), "replica_employers", ["owner_sub"])


def downgrade() -> None:
    op.drop_index(op.f("ix_replica_employers_owner_sub"), table_name="replica_employers")
    with op.batch_alter_table("replica_employers") as batch:
        batch.drop_column("owner_sub")
    op.drop_index(op.f("ix_seeker_changes_at"), table_name="seeker_changes")
    op.drop_table("seeker_changes")
    op.drop_index("uq_match_overrides_active", table_name="match_overrides")
    op.drop_index("ix_match_overrides_seeker_id_created_at", table_name="match_overrides")
    op.drop_table("match_overrides")
