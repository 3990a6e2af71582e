import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.postings.database import Base
from services.postings.engagements.models import engagement_key


class Appeal(Base):
    """A worker contests a reliability mark (no-show, late cancellation); staff decide."""

    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'upheld', 'rejected')", name="status_known"),
        engagement_key("appeals"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    engagement_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    engagement_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    seeker_id: Mapped[str] = mapped_column(String(200), index=True)
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"))
    county_adcode: Mapped[str] = mapped_column(String(6), index=True)
    station_id: Mapped[str | None] = mapped_column(String(200))
    mark: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_note: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # Citus distribution column in the mapper key: every flushed UPDATE / DELETE names the row's shard.
    __mapper_args__ = {"primary_key": ["id", "county_adcode"]}
