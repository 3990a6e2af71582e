"""postings listed newest first by an index: (created_at, id)

`GET /v1/postings` pages by (created_at DESC, id DESC). Without an index on that key PostgreSQL read every
posting and sorted them for each page (a sequential scan and a top-N sort, growing with the table); with it
a page is a backward index scan that stops after limit + 1 visible rows.

Revision ID: g_postings_newest_first
Revises: g_posting_external_ids
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "g_postings_newest_first"
down_revision: str | None = "g_posting_external_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_postings_created_at_id", "postings", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_postings_created_at_id", table_name="postings")
