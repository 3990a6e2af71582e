"""statistics: posting facts derived from the replica, their cursor, weekly snapshots, wage disputes
from the feed; a seeker's former employer

Revision ID: c_statistics
Revises: b2_serving
Create Date: 2026-12-06 17:20:00

Written by hand and checked against autogenerate. New tables, a nullable column and an index only:
the same on PostgreSQL and SQLite (the column is added in batch mode for SQLite).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c_statistics"
down_revision: str | Sequence[str] | None = "b2_serving"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stat_postings",
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("occupation_group", sa.String(length=12), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("free_places", sa.Integer(), nullable=False),
        sa.Column("valid_until", TZ, nullable=True),
        sa.Column("applied_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_stat_postings")),
    )
    op.create_index(
        "ix_stat_postings_demand",
        "stat_postings",
        ["open", "county_adcode", "occupation_group", "free_places", "valid_until"],
    )
    op.create_table(
        "stat_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stat_cursors")),
    )
    op.create_table(
        "stat_weekly",
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("occupation_group", sa.String(length=12), nullable=False),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.Column("vacancies", sa.Integer(), nullable=False),
        sa.Column("seekers", sa.Integer(), nullable=False),
        sa.Column("taken_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint(
            "week", "level", "county_adcode", "occupation_group", name=op.f("pk_stat_weekly")
        ),
    )
    op.create_table(
        "stat_disputes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("engagement_id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("applied_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_disputes")),
    )
    op.create_index("ix_stat_disputes_opened_at", "stat_disputes", ["opened_at"])
    with op.batch_alter_table("seekers") as batch:
        batch.add_column(sa.Column("former_employer", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("seekers") as batch:
        batch.drop_column("former_employer")
    op.drop_index("ix_stat_disputes_opened_at", table_name="stat_disputes")
    op.drop_table("stat_disputes")
    op.drop_table("stat_weekly")
    op.drop_table("stat_cursors")
    op.drop_index("ix_stat_postings_demand", table_name="stat_postings")
    op.drop_table("stat_postings")
