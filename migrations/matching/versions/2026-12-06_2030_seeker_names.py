"""seeker names (encrypted, masked, keyed lookup hash) and the console's registration drafts

Revision ID: d_seeker_names
Revises: c_merge_1
Create Date: 2026-12-06 20:30:00

- `seekers.name_cipher` / `name_masked` / `name_hmac`: the seeker's optional name, sealed with the data
  key like the phone, masked for lists (王*明), and its keyed hash (NFKC, case folded, no spaces) for
  exact search. All nullable: profiles stored before have no name.
- `console_registration_drafts`: a walk-in's registration between its screens, sealed, per staff
  member, until it expires (Post/Redirect/Get on every screen).
Nullable columns, a new table and indexes: the same on PostgreSQL and SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d_seeker_names"
down_revision: str | Sequence[str] | None = "c_merge_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("seekers") as batch:
        batch.add_column(sa.Column("name_cipher", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("name_masked", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("name_hmac", sa.String(length=64), nullable=True))
        batch.create_index(batch.f("ix_seekers_name_hmac"), ["name_hmac"])

    op.create_table(
        "console_registration_drafts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("staff_sub", sa.String(length=200), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("data_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("seeker_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_registration_drafts")),
    )
    op.create_index(
        op.f("ix_console_registration_drafts_expires_at"), "console_registration_drafts", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_console_registration_drafts_expires_at"), table_name="console_registration_drafts"
    )
    op.drop_table("console_registration_drafts")
    with op.batch_alter_table("seekers") as batch:
        batch.drop_index(batch.f("ix_seekers_name_hmac"))
        batch.drop_column("name_hmac")
        batch.drop_column("name_masked")
        batch.drop_column("name_cipher")
