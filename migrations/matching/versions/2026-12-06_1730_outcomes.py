"""outcomes: every application and engagement from the feed at its latest version, and placements

Revision ID: c_outcomes
Revises: b2_serving
Create Date: 2026-12-06 17:30:00

Written by hand and checked against autogenerate. New tables and indexes only: the same on PostgreSQL
and SQLite. Rows fill from the feed events the replica consumes from now on; a database that has
already passed application or engagement events holds none of them (replay the feed from 0 to fill).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c_outcomes"
down_revision: str | Sequence[str] | None = "b2_serving"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def _common() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=True),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("station_id", sa.String(length=200), nullable=True),
        sa.Column("referred_by", sa.String(length=200), nullable=True),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("occupation_code", sa.String(length=20), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("applied_seq", sa.BigInteger(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "outcome_applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_common(),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("accepted_at", TZ, nullable=True),
        sa.Column("engagement_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_applications")),
    )
    op.create_table(
        "outcome_engagements",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_common(),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("ends_at", TZ, nullable=False),
        sa.Column("booked_at", TZ, nullable=False),
        sa.Column("completed_at", TZ, nullable=True),
        sa.Column("paid_at", TZ, nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_engagements")),
    )
    for table, when in (("outcome_applications", "created_at"), ("outcome_engagements", "booked_at")):
        op.create_index(f"ix_{table}_posting_id", table, ["posting_id"])
        op.create_index(f"ix_{table}_seeker_id", table, ["seeker_id"])
        op.create_index(f"ix_{table}_county_station", table, ["county_adcode", "station_id"])
        op.create_index(f"ix_{table}_{when}", table, [when])
    op.create_table(
        "outcome_placements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("engagement_id", sa.Uuid(), nullable=True),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("station_id", sa.String(length=200), nullable=True),
        sa.Column("placed_at", TZ, nullable=False),
        sa.Column("ends_at", TZ, nullable=True),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.Column("ended_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_placements")),
        sa.UniqueConstraint("source_id", name=op.f("uq_outcome_placements_source_id")),
    )
    op.create_index("ix_outcome_placements_seeker_open", "outcome_placements", ["seeker_id", "ended_at"])
    op.create_index("ix_outcome_placements_lapse", "outcome_placements", ["ended_at", "ends_at"])


def downgrade() -> None:
    op.drop_table("outcome_placements")
    op.drop_table("outcome_engagements")
    op.drop_table("outcome_applications")
