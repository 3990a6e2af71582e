"""merge heads: seekers' erasures, the county key on every distributed table, trace context in the outbox

Revision ID: e_merge_1
Revises: e_seeker_erasures, e_citus_keys, e_outbox_trace
Create Date: 2026-12-07 00:30:00
"""

from collections.abc import Sequence

revision: str = "e_merge_1"
down_revision: str | Sequence[str] | None = ("e_seeker_erasures", "e_citus_keys", "e_outbox_trace")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
