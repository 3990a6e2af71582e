"""merge heads: impressions, seeker names, retention notices

Revision ID: d_merge_1
Revises: d_impressions, d_seeker_names, d_retention_notices
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

revision: str = "d_merge_1"
down_revision: str | Sequence[str] | None = ("d_impressions", "d_seeker_names", "d_retention_notices")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
