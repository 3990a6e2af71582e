"""console: referrals, staff's console preferences, seekers opened to a station by an exact lookup

Revision ID: c_console
Revises: b2_serving
Create Date: 2026-12-06 17:20:00

- `referrals`: one row per referral the postings service accepted (apply / book on a seeker's behalf),
  unique per (staff member, idempotency key) so a double submit is one row;
- `console_preferences`: 大字模式 and language per staff member (keyed by the token's subject);
- `seeker_access_grants`: a seeker from outside a station's county reached by an exact lookup (phone
  or ID number) is open to that station until `expires_at`.
- `seekers.phone_hmac`: the phone's keyed lookup hash (the ID number's already exists), so staff find
  a seeker by phone without decrypting anything. Rows written before this migration keep NULL until
  their phone is next set (the key lives in the service's settings, not here).
New tables, a nullable column and indexes: the same on PostgreSQL and SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c_console"
down_revision: str | Sequence[str] | None = "b2_serving"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=True),
        sa.Column("staff_sub", sa.String(length=200), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("engagement_id", sa.Uuid(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("staff_sub", "idempotency_key", name="uq_referrals_staff_sub_key"),
    )
    op.create_index(op.f("ix_referrals_seeker_id"), "referrals", ["seeker_id"])
    op.create_index("ix_referrals_station_id_created_at", "referrals", ["station_id", "created_at"])

    op.create_table(
        "console_preferences",
        sa.Column("staff_sub", sa.String(length=200), nullable=False),
        sa.Column("large_text", sa.Boolean(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("staff_sub", name=op.f("pk_console_preferences")),
    )

    op.create_table(
        "seeker_access_grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("granted_to_sub", sa.String(length=200), nullable=False),
        sa.Column("lookup", sa.String(length=20), nullable=False),
        sa.Column("granted_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seeker_access_grants")),
    )
    op.create_index(
        "ix_seeker_access_grants_station_seeker",
        "seeker_access_grants",
        ["station_id", "seeker_id", "expires_at"],
    )


    with op.batch_alter_table("seekers") as batch:
        batch.add_column(sa.Column("phone_hmac", sa.String(length=64), nullable=True))
        batch.create_index(batch.f("ix_seekers_phone_hmac"), ["phone_hmac"])


def downgrade() -> None:
    with op.batch_alter_table("seekers") as batch:
        batch.drop_index(batch.f("ix_seekers_phone_hmac"))
        batch.drop_column("phone_hmac")
    op.drop_index("ix_seeker_access_grants_station_seeker", table_name="seeker_access_grants")
    op.drop_table("seeker_access_grants")
    op.drop_table("console_preferences")
    op.drop_index("ix_referrals_station_id_created_at", table_name="referrals")
    op.drop_index(op.f("ix_referrals_seeker_id"), table_name="referrals")
    op.drop_table("referrals")
