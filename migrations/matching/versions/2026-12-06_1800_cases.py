"""cases: 帮扶台账 — cases, their planned actions, contact log and history

Revision ID: c_cases
Revises: c_outcomes
Create Date: 2026-12-06 18:00:00

Written by hand and checked against autogenerate. New tables and indexes only: the same on PostgreSQL
and SQLite. One open case per seeker (partial unique index, as for consents).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c_cases"
down_revision: str | Sequence[str] | None = "c_outcomes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
SEQ_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite auto-increments INTEGER only


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=True),
        sa.Column("group", sa.String(length=40), nullable=False),
        sa.Column("evidence_type", sa.String(length=40), nullable=False),
        sa.Column("evidence_number_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("evidence_number_masked", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("certification_due", sa.Date(), nullable=False),
        sa.Column("certification_basis", sa.String(length=20), nullable=False),
        sa.Column("certified_at", TZ, nullable=True),
        sa.Column("certified_by", sa.String(length=200), nullable=True),
        sa.Column("caseworker_sub", sa.String(length=200), nullable=False),
        sa.Column("caseworker_name", sa.String(length=40), nullable=False),
        sa.Column("goal", sa.String(length=500), nullable=False),
        sa.Column("next_contact_on", sa.Date(), nullable=True),
        sa.Column("placement_id", sa.Uuid(), nullable=True),
        sa.Column("employed_at", TZ, nullable=True),
        sa.Column("aftercare_due", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.String(length=30), nullable=True),
        sa.Column("close_note", sa.String(length=500), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index(
        "uq_cases_open_seeker",
        "cases",
        ["seeker_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'closed'"),
        sqlite_where=sa.text("status <> 'closed'"),
    )
    op.create_index("ix_cases_county_status", "cases", ["county_adcode", "status"])
    op.create_index("ix_cases_station_status", "cases", ["station_id", "status"])
    op.create_index("ix_cases_opened_at_id", "cases", ["opened_at", "id"])
    op.create_table(
        "case_actions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_actions_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_actions")),
    )
    op.create_index("ix_case_actions_case_id", "case_actions", ["case_id"])
    op.create_table(
        "case_contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("decline_reason", sa.String(length=200), nullable=True),
        sa.Column("posting_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_contacts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_contacts")),
    )
    op.create_index("ix_case_contacts_case_at", "case_contacts", ["case_id", "at"])
    op.create_table(
        "case_events",
        sa.Column("id", SEQ_PK, autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    op.create_index("ix_case_events_case_id_id", "case_events", ["case_id", "id"])


def downgrade() -> None:
    op.drop_table("case_events")
    op.drop_table("case_contacts")
    op.drop_table("case_actions")
    op.drop_table("cases")
