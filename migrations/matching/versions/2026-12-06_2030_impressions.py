"""impressions: every item the matching service shows, with its position, scores and ranker

Revision ID: d_impressions
Revises: c_merge_1
Create Date: 2026-12-06 20:30:00

Written by hand and checked against autogenerate. A new table and its indexes only: the same on
PostgreSQL and SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d_impressions"
down_revision: str | Sequence[str] | None = "c_merge_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_impressions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("surface", sa.String(length=12), nullable=False),
        sa.Column("viewer_role", sa.String(length=12), nullable=False),
        sa.Column("viewer_id", sa.String(length=200), nullable=False),
        sa.Column("seeker_id", sa.String(length=200), nullable=False),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.String(length=200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("learned_score", sa.Float(), nullable=True),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=True),
        sa.Column("ranker", sa.String(length=40), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_impressions")),
    )
    op.create_index(
        "ix_match_impressions_seeker_posting", "match_impressions", ["seeker_id", "posting_id"], unique=False
    )
    op.create_index("ix_match_impressions_shown_at", "match_impressions", ["shown_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_match_impressions_shown_at", table_name="match_impressions")
    op.drop_index("ix_match_impressions_seeker_posting", table_name="match_impressions")
    op.drop_table("match_impressions")
