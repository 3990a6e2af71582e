"""statistics: stat_seekers, each live seeker's supply facts, filled from the existing seekers

Revision ID: e_stat_seekers
Revises: d_merge_1
Create Date: 2026-12-06 23:30:00

Written by hand and checked against autogenerate. A new table and its covering index, then a backfill:
one row per seeker whose matching consent is active, at each level (1 major group, 2 medium group),
for their county's total (group "") and for each group they name (or "unclassified"), counted where
they live. The rule is copied here (a migration must not change when the service's code does); the
test `test_seeker_facts.py` checks that this backfill and the live path give the same table. The same
on PostgreSQL and SQLite.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from services.reference.occupations import get_occupation

revision: str = "e_stat_seekers"
down_revision: str | Sequence[str] | None = "d_merge_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
UNCLASSIFIED = "unclassified"

seekers = sa.table(
    "seekers",
    sa.column("id", sa.String()),
    sa.column("county_adcode", sa.String()),
    sa.column("occupation_codes", sa.JSON()),
)
consents = sa.table(
    "seeker_consents",
    sa.column("id", sa.Uuid()),
    sa.column("seeker_id", sa.String()),
    sa.column("purpose", sa.String()),
    sa.column("withdrawn_at", sa.DateTime(timezone=True)),
)
stat_seekers = sa.table(
    "stat_seekers",
    sa.column("seeker_id", sa.String()),
    sa.column("level", sa.Integer()),
    sa.column("occupation_group", sa.String()),
    sa.column("county_adcode", sa.String()),
)


def _group(code: object, level: int) -> str:
    """A CSCO code → its medium group ("6-29"), at level 1 its major group ("6"); else unclassified."""
    if not isinstance(code, str) or get_occupation(code) is None:
        return UNCLASSIFIED
    major, medium = code.split("-")[:2]
    if medium == "00":
        return UNCLASSIFIED
    return major if level == 1 else f"{major}-{medium}"


def _rows(seeker_id: str, county: str, codes: Iterable[object] | None) -> list[dict[str, Any]]:
    out = []
    for level in (1, 2):
        groups = {_group(code, level) for code in codes or []} - {UNCLASSIFIED}
        for group in ("", *sorted(groups or {UNCLASSIFIED})):
            out.append(
                {"seeker_id": seeker_id, "level": level, "occupation_group": group, "county_adcode": county}
            )
    return out


def backfill(bind: sa.Connection) -> int:
    """stat_seekers rows for every seeker whose matching consent is active; returns the rows written."""
    live = (
        sa.select(consents.c.id)
        .where(
            consents.c.seeker_id == seekers.c.id,
            consents.c.purpose == "matching",
            consents.c.withdrawn_at.is_(None),
        )
        .exists()
    )
    written, after = 0, ""
    while True:
        page = bind.execute(
            sa.select(seekers.c.id, seekers.c.county_adcode, seekers.c.occupation_codes)
            .where(seekers.c.id > after, live)
            .order_by(seekers.c.id)
            .limit(BATCH)
        ).all()
        if not page:
            return written
        rows = [row for sid, county, codes in page for row in _rows(sid, county, codes)]
        bind.execute(stat_seekers.insert(), rows)
        written += len(rows)
        after = page[-1][0]


def upgrade() -> None:
    op.create_table(
        "stat_seekers",
        sa.Column("seeker_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("occupation_group", sa.String(length=12), nullable=False),
        sa.Column("county_adcode", sa.String(length=6), nullable=False),
        sa.PrimaryKeyConstraint("seeker_id", "level", "occupation_group", name=op.f("pk_stat_seekers")),
    )
    op.create_index("ix_stat_seekers_supply", "stat_seekers", ["level", "county_adcode", "occupation_group"])
    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_stat_seekers_supply", table_name="stat_seekers")
    op.drop_table("stat_seekers")
