"""seekers: profiles, sensitive data kept apart, consents, audit log

Revision ID: b1_seekers
Revises: 5d5638f83b12
Create Date: 2026-11-23 12:00:00

Written by hand and checked against autogenerate. Consent and audit rows carry the seeker id without a
foreign key on purpose: they outlive an erased profile. Nothing here needs batch mode (only new tables
and indexes), so it runs the same on PostgreSQL and SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1_seekers"
down_revision: str | None = "5d5638f83b12"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "seekers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("desired_text", sa.String(length=200), nullable=True),
        sa.Column("occupation_codes", sa.JSON(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.Column("location_approximate", sa.Boolean(), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("travel_mode", sa.String(length=10), nullable=False),
        sa.Column("max_commute_minutes", sa.Integer(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("pay_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("pay_unit", sa.String(length=10), nullable=True),
        sa.Column("certificates", sa.JSON(), nullable=False),
        sa.Column("experience_years", sa.Integer(), nullable=False),
        sa.Column("accommodations", sa.JSON(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("birth_month", sa.Integer(), nullable=False),
        sa.Column("phone_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("phone_masked", sa.String(length=11), nullable=True),
        sa.Column("registered_by_station", sa.String(length=64), nullable=True),
        sa.Column("registered_by_sub", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seekers")),
    )
    op.create_index(op.f("ix_seekers_county_adcode"), "seekers", ["county_adcode"])
    op.create_index(op.f("ix_seekers_registered_by_station"), "seekers", ["registered_by_station"])
    op.create_index("ix_seekers_created_at_id", "seekers", ["created_at", "id"])

    op.create_table(
        "seeker_sensitive",
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("disability", sa.Boolean(), nullable=False),
        sa.Column("disability_level", sa.Integer(), nullable=True),
        sa.Column("health_notes", sa.String(length=500), nullable=True),
        sa.Column("id_number_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("id_number_hmac", sa.String(length=64), nullable=True),
        sa.Column("id_number_masked", sa.String(length=18), nullable=True),
        sa.Column("low_income", sa.Boolean(), nullable=False),
        sa.Column("poverty_alleviation", sa.Boolean(), nullable=False),
        sa.Column("zero_employment_household", sa.Boolean(), nullable=False),
        sa.Column("long_term_unemployed", sa.Boolean(), nullable=False),
        sa.Column("veteran", sa.Boolean(), nullable=False),
        sa.Column("priority_groups", sa.JSON(), nullable=False),
        sa.Column("reserved_post_certified", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["seekers.id"],
            name=op.f("fk_seeker_sensitive_seeker_id_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seeker_id", name=op.f("pk_seeker_sensitive")),
        sa.UniqueConstraint("id_number_hmac", name=op.f("uq_seeker_sensitive_id_number_hmac")),
    )

    op.create_table(
        "seeker_consents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("agreed_at", TZ, nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("recorded_by_role", sa.String(length=10), nullable=False),
        sa.Column("recorded_by_sub", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_station", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_at", TZ, nullable=True),
        sa.Column("withdrawn_by_role", sa.String(length=10), nullable=True),
        sa.Column("withdrawn_by_sub", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seeker_consents")),
    )
    op.create_index(op.f("ix_seeker_consents_seeker_id"), "seeker_consents", ["seeker_id"])
    # At most one live consent per purpose (a partial unique index; both databases have them).
    op.create_index(
        "uq_seeker_consents_active",
        "seeker_consents",
        ["seeker_id", "purpose"],
        unique=True,
        postgresql_where=sa.text("withdrawn_at IS NULL"),
        sqlite_where=sa.text("withdrawn_at IS NULL"),
    )

    op.create_table(
        "seeker_audit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("actor_role", sa.String(length=10), nullable=False),
        sa.Column("actor_sub", sa.String(length=200), nullable=False),
        sa.Column("actor_station", sa.String(length=64), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seeker_audit")),
    )
    op.create_index("ix_seeker_audit_seeker_id_at", "seeker_audit", ["seeker_id", "at", "id"])


def downgrade() -> None:
    op.drop_table("seeker_audit")
    op.drop_table("seeker_consents")
    op.drop_table("seeker_sensitive")
    op.drop_table("seekers")
