import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.postings.database import Base, Timestamped


class Shift(Timestamped, Base):
    """A dated time window of a gig, with its headcount (slots)."""

    __tablename__ = "shifts"
    # Bookings take a slot with `filled < headcount` and give it back with `filled > 0`; this is the backstop.
    __table_args__ = (CheckConstraint("filled >= 0 AND filled <= headcount", name="filled_within_headcount"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    posting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    county_adcode: Mapped[str] = mapped_column(String(6), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    headcount: Mapped[int] = mapped_column(Integer)
    filled: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="open")
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Citus distribution column in the mapper key: every flushed UPDATE / DELETE names the row's shard.
    __mapper_args__ = {"primary_key": ["id", "county_adcode"]}
