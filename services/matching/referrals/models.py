"""A referral: staff applied to a job or booked a gig shift for a seeker through the postings service."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base


class Referral(Base):
    """One referral that the postings service accepted; the key makes a double submit one row."""

    __tablename__ = "referrals"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    station_id: Mapped[str | None] = mapped_column(String(64))
    staff_sub: Mapped[str] = mapped_column(String(200))
    seeker_id: Mapped[str] = mapped_column(String(64), index=True)
    posting_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    shift_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    outcome: Mapped[str] = mapped_column(String(20))  # applied | booked | requested
    application_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    engagement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("staff_sub", "idempotency_key", name="uq_referrals_staff_sub_key"),
        Index("ix_referrals_station_id_created_at", "station_id", "created_at"),
    )
