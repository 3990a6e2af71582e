"""An erasure request for one seeker, received from the matching service (docs/privacy.md §7).

The row names the seeker while some of their wage or dispute records still keep the id (`holding`);
once the sweep has replaced it everywhere, `seeker_id` is cleared and only the pseudonym stays, as the
record that the erasure was done."""

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.postings.database import Base

HOLDING, DONE = "holding", "done"


class SeekerErasure(Base):
    __tablename__ = "seeker_erasures"
    __table_args__ = (Index("ix_seeker_erasures_status", "status", "pseudonym"),)

    pseudonym: Mapped[str] = mapped_column(String(64), primary_key=True)
    seeker_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    requested_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))  # holding | done
    held: Mapped[int] = mapped_column(Integer, default=0)  # engagements still carrying the seeker id
    hold_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
