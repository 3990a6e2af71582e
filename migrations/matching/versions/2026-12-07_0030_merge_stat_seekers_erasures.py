"""merge heads: the statistics' seeker facts, erasures passed on to the postings service

Revision ID: e_merge_1
Revises: e_stat_seekers, e_postings_erasures
Create Date: 2026-12-07 00:30:00
"""

from collections.abc import Sequence

revision: str = "e_merge_1"
down_revision: str | Sequence[str] | None = ("e_stat_seekers", "e_postings_erasures")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
