"""households: 零就业家庭 — households, members, spells at zero employment, alerts to the county desk

Revision ID: c_households
Revises: c_cases
Create Date: 2026-12-06 18:30:00

Written by hand and checked against autogenerate. New tables and indexes only: the same on PostgreSQL
and SQLite. A seeker is a member of one household at most (unique seeker_id); one alert per spell.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c_households"
down_revision: str | Sequence[str] | None = "c_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
SEQ_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite auto-increments INTEGER only


def _household_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["household_id"], ["households.id"], name=op.f(f"fk_{table}_household_id_households"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "households",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("zero_since", TZ, nullable=True),
        sa.Column("zero_seconds_before", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
    )
    op.create_index(
        "ix_households_county_status_since", "households", ["county_adcode", "status", "zero_since"]
    )
    op.create_index("ix_households_created_at_id", "households", ["created_at", "id"])
    op.create_table(
        "household_members",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("consent_method", sa.String(length=20), nullable=False),
        sa.Column("consent_agreed_at", TZ, nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", TZ, nullable=False),
        _household_fk("household_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_members")),
        sa.UniqueConstraint("seeker_id", name=op.f("uq_household_members_seeker_id")),
    )
    op.create_index("ix_household_members_household_id", "household_members", ["household_id"])
    op.create_table(
        "household_spells",
        sa.Column("id", SEQ_PK, autoincrement=True, nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("ended_by", sa.String(length=40), nullable=True),
        _household_fk("household_spells"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_spells")),
    )
    op.create_index("ix_household_spells_household_id_id", "household_spells", ["household_id", "id"])
    op.create_table(
        "household_alerts",
        sa.Column("id", SEQ_PK, autoincrement=True, nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("spell_id", sa.BigInteger(), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("days_at_zero", sa.Integer(), nullable=False),
        sa.Column("raised_at", TZ, nullable=False),
        sa.Column("acknowledged_at", TZ, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        _household_fk("household_alerts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_alerts")),
        sa.UniqueConstraint("spell_id", name=op.f("uq_household_alerts_spell_id")),
    )
    op.create_index("ix_household_alerts_county_ack", "household_alerts", ["county_adcode", "acknowledged_at"])


def downgrade() -> None:
    op.drop_table("household_alerts")
    op.drop_table("household_spells")
    op.drop_table("household_members")
    op.drop_table("households")
