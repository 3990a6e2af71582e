"""Merge the heads of the console, dispatch, cases/households and statistics branches.

Revision ID: c_merge_1
Revises: c_console, c_dispatch, c_households, c_statistics
"""

from collections.abc import Sequence

revision: str = "c_merge_1"
down_revision: str | Sequence[str] | None = ("c_console", "c_dispatch", "c_households", "c_statistics")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
