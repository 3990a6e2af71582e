import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.postings.database import Base
from services.postings.engagements.models import engagement_key


class Rating(Base):
    """One party's rating of the other after a completed engagement: once per party."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("engagement_id", "rater", name="uq_ratings_engagement_id_rater"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        CheckConstraint("rater IN ('worker', 'employer')", name="rater_known"),
        engagement_key("ratings"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    engagement_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    engagement_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    rater: Mapped[str] = mapped_column(String(10))
    county_adcode: Mapped[str] = mapped_column(String(6), index=True)
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    seeker_id: Mapped[str] = mapped_column(String(200), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # Citus distribution column in the mapper key: every flushed UPDATE / DELETE names the row's shard.
    __mapper_args__ = {"primary_key": ["id", "county_adcode"]}
