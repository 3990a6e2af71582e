"""dispatch: the morning dispatch's check-ins, plans, pairs and swaps

Revision ID: c_dispatch
Revises: b2_serving
Create Date: 2026-12-06 17:30:00

New tables and indexes only: the same on PostgreSQL and SQLite.
- `dispatch_checkins`: one row per seeker per station per day (China date), unique;
- `dispatch_plans`: one run of 分配 for a station's day;
- `dispatch_pairs`: one worker of a plan, the shift proposed and chosen, and what booking it did;
- `dispatch_swaps`: each change staff made to a plan, with its reason.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c_dispatch"
down_revision: str | Sequence[str] | None = "b2_serving"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
ID = sa.String(length=64)
SUB = sa.String(length=200)


def upgrade() -> None:
    op.create_table(
        "dispatch_checkins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seeker_id", ID, nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("by_sub", SUB, nullable=False),
        sa.Column("checked_in_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_checkins")),
        sa.UniqueConstraint("station_id", "day", "seeker_id", name=op.f("uq_dispatch_checkins_station_id")),
    )
    op.create_table(
        "dispatch_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total_value", sa.Float(), nullable=False),
        sa.Column("created_by_sub", SUB, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("confirmed_by_sub", SUB, nullable=True),
        sa.Column("confirmed_at", TZ, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_plans")),
    )
    op.create_index("ix_dispatch_plans_station_day", "dispatch_plans", ["station_id", "day", "created_at"])
    op.create_table(
        "dispatch_pairs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("roll", sa.Integer(), nullable=False),
        sa.Column("seeker_id", ID, nullable=False),
        sa.Column("proposed_shift_id", sa.Uuid(), nullable=True),
        sa.Column("shift_id", sa.Uuid(), nullable=True),
        sa.Column("posting_id", sa.Uuid(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("fairness", sa.Float(), nullable=False),
        sa.Column("days_since_work", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("outcome_code", sa.String(length=60), nullable=True),
        sa.Column("outcome_title", sa.String(length=300), nullable=True),
        sa.Column("outcome_title_zh", sa.String(length=300), nullable=True),
        sa.Column("engagement_id", sa.Uuid(), nullable=True),
        sa.Column("attempted_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["dispatch_plans.id"],
            name=op.f("fk_dispatch_pairs_plan_id_dispatch_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_pairs")),
        sa.UniqueConstraint("plan_id", "seeker_id", name=op.f("uq_dispatch_pairs_plan_id")),
    )
    op.create_index("ix_dispatch_pairs_seeker_outcome", "dispatch_pairs", ["seeker_id", "outcome"])
    op.create_table(
        "dispatch_swaps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", ID, nullable=False),
        sa.Column("from_shift_id", sa.Uuid(), nullable=True),
        sa.Column("to_shift_id", sa.Uuid(), nullable=True),
        sa.Column("with_seeker_id", ID, nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("staff_sub", SUB, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["dispatch_plans.id"],
            name=op.f("fk_dispatch_swaps_plan_id_dispatch_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_swaps")),
    )
    op.create_index(op.f("ix_dispatch_swaps_plan_id"), "dispatch_swaps", ["plan_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dispatch_swaps_plan_id"), table_name="dispatch_swaps")
    op.drop_table("dispatch_swaps")
    op.drop_index("ix_dispatch_pairs_seeker_outcome", table_name="dispatch_pairs")
    op.drop_table("dispatch_pairs")
    op.drop_index("ix_dispatch_plans_station_day", table_name="dispatch_plans")
    op.drop_table("dispatch_plans")
    op.drop_table("dispatch_checkins")
