import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, Numeric, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.postings.database import Base
from services.postings.engagements.models import engagement_key


class Dispute(Base):
    """A worker's not-paid report after the due date: seen by staff of the posting's county."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'resolved')", name="status_known"),
        CheckConstraint(
            "resolution IS NULL OR resolution IN ('paid', 'unfounded', 'referred')", name="resolution_known"
        ),
        engagement_key("disputes"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    engagement_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    engagement_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    county_adcode: Mapped[str] = mapped_column(String(6), index=True)
    station_id: Mapped[str | None] = mapped_column(String(200))
    seeker_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_due: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(10), index=True)
    resolution: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(String(500))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # Citus distribution column in the mapper key: every flushed UPDATE / DELETE names the row's shard.
    __mapper_args__ = {"primary_key": ["id", "county_adcode"]}
