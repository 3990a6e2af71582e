"""Outcome tables: every application and engagement at its latest version, and placements.

Filled from the feed in the replica's transaction (`folding.py`); no foreign keys, like the replica.
"""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Index, Integer, Numeric, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base

SUB = 200


class _Outcome:
    """What applications and engagements share: who, where, through whom, at which version."""

    posting_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    shift_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    employer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    seeker_id: Mapped[str] = mapped_column(String(SUB), index=True)
    status: Mapped[str] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(String(10))
    station_id: Mapped[str | None] = mapped_column(String(SUB))
    referred_by: Mapped[str | None] = mapped_column(String(SUB))
    county_adcode: Mapped[str] = mapped_column(String(6))
    occupation_code: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    applied_seq: Mapped[int] = mapped_column(BigInteger)


class OutcomeApplication(_Outcome, Base):
    """An application to a job, or a booking request on a review-mode shift (`shift_id` set)."""

    __tablename__ = "outcome_applications"
    __table_args__ = (
        Index("ix_outcome_applications_county_station", "county_adcode", "station_id"),
        Index("ix_outcome_applications_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    engagement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class OutcomeEngagement(_Outcome, Base):
    """One worker on one gig shift: booked → … → completed → paid (or cancelled, no_show, disputed)."""

    __tablename__ = "outcome_engagements"
    __table_args__ = (
        Index("ix_outcome_engagements_county_station", "county_adcode", "station_id"),
        Index("ix_outcome_engagements_booked_at", "booked_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))


class Placement(Base):
    """A seeker in work: a job from its acceptance, a paid gig until `ends_at`; `ended_at` ends it."""

    __tablename__ = "outcome_placements"
    # Flushed UPDATEs name the row with its seeker: its shard on Citus (docs/postgresql.md).
    __mapper_args__ = {"primary_key": ["id", "seeker_id"]}
    __table_args__ = (
        Index("ix_outcome_placements_seeker_open", "seeker_id", "ended_at"),
        Index("ix_outcome_placements_lapse", "ended_at", "ends_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seeker_id: Mapped[str] = mapped_column(String(SUB))
    kind: Mapped[str] = mapped_column(String(4))
    # The outcome row it came from: unique, so a replayed event cannot place twice.
    source_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    application_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    engagement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    posting_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_adcode: Mapped[str] = mapped_column(String(6))
    station_id: Mapped[str | None] = mapped_column(String(SUB))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(20))
    ended_by: Mapped[str | None] = mapped_column(String(SUB))
