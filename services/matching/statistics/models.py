"""Statistics tables: each posting's facts as the tables count them, their cursor, weekly snapshots."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base

UNCLASSIFIED = "unclassified"  # a posting or seeker without an occupation code


class StatPosting(Base):
    """What one replica posting adds to the demand side, derived from its latest snapshot."""

    __tablename__ = "stat_postings"
    # Covering, in GROUP BY order: the table is one index scan, never a lookup per posting.
    __table_args__ = (
        Index(
            "ix_stat_postings_demand",
            "open",
            "county_adcode",
            "occupation_group",
            "free_places",
            "valid_until",
        ),
    )

    posting_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    employer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_adcode: Mapped[str] = mapped_column(String(6))
    occupation_group: Mapped[str] = mapped_column(String(12))  # CSCO medium group "6-29" or unclassified
    open: Mapped[bool] = mapped_column(Boolean)
    free_places: Mapped[int] = mapped_column(Integer)
    # The end of its validity: valid_until, or for a gig the end of its last open shift with a free place.
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    applied_seq: Mapped[int] = mapped_column(BigInteger)


class StatSeeker(Base):
    """What one live seeker adds to the supply side at one classification level: one row for their
    county's total (`occupation_group` ""), one per group they name (or `unclassified`). Only seekers
    whose matching consent is active have rows; written in the same transaction as every change to the
    seeker's home county, occupation codes or consents (`seeker_facts.py`)."""

    __tablename__ = "stat_seekers"
    # Covering, in GROUP BY order: the supply side is one index scan, never a lookup per seeker.
    __table_args__ = (Index("ix_stat_seekers_supply", "level", "county_adcode", "occupation_group"),)

    seeker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1 major group, 2 medium group
    occupation_group: Mapped[str] = mapped_column(String(12), primary_key=True)  # "" the county's total
    county_adcode: Mapped[str] = mapped_column(String(6))


class StatCursor(Base):
    """The replica `applied_seq` up to which stat_postings has been derived."""

    __tablename__ = "stat_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StatWeekly(Base):
    """One cell of a week's supply-demand table as last written in that week (raw, unsuppressed).

    `occupation_group` is "" for the county's total; `level` is the classification level (1 or 2)."""

    __tablename__ = "stat_weekly"

    week: Mapped[str] = mapped_column(String(8), primary_key=True)  # ISO week, Beijing time: 2026-W49
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    county_adcode: Mapped[str] = mapped_column(String(6), primary_key=True)
    occupation_group: Mapped[str] = mapped_column(String(12), primary_key=True)
    postings: Mapped[int] = mapped_column(Integer)
    vacancies: Mapped[int] = mapped_column(Integer)
    seekers: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StatDispute(Base):
    """A wage dispute as the feed's `dispute.*` events last told it (for the dispute-rise signal)."""

    __tablename__ = "stat_disputes"
    __table_args__ = (Index("ix_stat_disputes_opened_at", "opened_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    engagement_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    employer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_adcode: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(20))  # wage, cancellation_pay
    status: Mapped[str] = mapped_column(String(20))
    resolution: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)
    applied_seq: Mapped[int] = mapped_column(BigInteger)
