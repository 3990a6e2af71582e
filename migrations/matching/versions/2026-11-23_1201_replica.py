"""replica: postings and employers from the postings feed, the feed cursor, dead letters

Revision ID: b1_replica
Revises: 5d5638f83b12
Create Date: 2026-11-23 12:01:00

Written by hand and checked against autogenerate. No foreign keys between the replica tables on
purpose: the feed may be followed from any point, and a dead-lettered event must not block later ones.
Only new tables and indexes, so it runs the same on PostgreSQL and SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1_replica"
down_revision: str | None = "5d5638f83b12"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
SEQ_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite auto-increments INTEGER only


def upgrade() -> None:
    op.create_table(
        "replica_postings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("applied_seq", sa.BigInteger(), nullable=False),
        sa.Column("replicated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replica_postings")),
    )
    op.create_index(op.f("ix_replica_postings_employer_id"), "replica_postings", ["employer_id"])
    op.create_index(op.f("ix_replica_postings_county_adcode"), "replica_postings", ["county_adcode"])
    op.create_index(op.f("ix_replica_postings_applied_seq"), "replica_postings", ["applied_seq"])
    op.create_index("ix_replica_postings_status_kind", "replica_postings", ["status", "kind"])

    op.create_table(
        "replica_employers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reliability", sa.JSON(), nullable=True),
        sa.Column("reliability_at", TZ, nullable=True),
        sa.Column("applied_seq", sa.BigInteger(), nullable=False),
        sa.Column("replicated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replica_employers")),
    )
    op.create_index(op.f("ix_replica_employers_applied_seq"), "replica_employers", ["applied_seq"])

    op.create_table(
        "replica_cursors",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.Column("last_event_at", TZ, nullable=True),
        sa.Column("updated_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_replica_cursors")),
    )

    op.create_table(
        "replica_dead_letters",
        sa.Column("id", SEQ_PK, autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=True),
        sa.Column("schema_version", sa.Integer(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(length=2000), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replica_dead_letters")),
        sa.UniqueConstraint("source", "seq", name=op.f("uq_replica_dead_letters_source")),
    )


def downgrade() -> None:
    op.drop_table("replica_dead_letters")
    op.drop_table("replica_cursors")
    op.drop_table("replica_employers")
    op.drop_table("replica_postings")
