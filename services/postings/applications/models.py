import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.postings.database import Base

APPLICATION_STATUSES = ("applied", "accepted", "rejected", "withdrawn")


class Application(Base):
    """A seeker's application to a job, or a booking request on a review-mode gig shift (`shift_id`)."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("status IN ('applied', 'accepted', 'rejected', 'withdrawn')", name="status_known"),
        # Backstops of the per-worker lock: one open application per job, one pending request per shift.
        Index(
            "uq_applications_open_job",
            "posting_id",
            "seeker_id",
            unique=True,
            sqlite_where=text("shift_id IS NULL AND status IN ('applied', 'accepted')"),
            postgresql_where=text("shift_id IS NULL AND status IN ('applied', 'accepted')"),
        ),
        Index(
            "uq_applications_pending_request",
            "shift_id",
            "seeker_id",
            unique=True,
            sqlite_where=text("status = 'applied'"),
            postgresql_where=text("status = 'applied'"),
        ),
        Index("ix_applications_shift_queue", "shift_id", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    posting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    shift_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    county_adcode: Mapped[str] = mapped_column(String(6), index=True)
    seeker_id: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(10))
    station_id: Mapped[str | None] = mapped_column(String(200), index=True)
    referred_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(10))
    decision_reason: Mapped[str | None] = mapped_column(String(200))
    engagement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # Citus distribution column in the mapper key: every flushed UPDATE / DELETE names the row's shard.
    __mapper_args__ = {"primary_key": ["id", "county_adcode"]}
