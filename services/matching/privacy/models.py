"""Retention notices: a profile inactive past the limit is told it will be erased, then erased or kept.

The notice is also what the seeker app reads (`GET /v1/seekers/{id}/notices`); it carries the seeker id
only, and outlives the erasure as the record that it happened (MATCHING_PRIVACY__NOTICE_KEEP_DAYS)."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base

PENDING, KEPT, ERASED, GONE = "pending", "kept", "erased", "gone"


class RetentionNotice(Base):
    __tablename__ = "retention_notices"
    __table_args__ = (
        # At most one pending notice per seeker: a sweep run twice notifies once.
        Index(
            "uq_retention_notices_pending",
            "seeker_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_retention_notices_status_erase_after", "status", "erase_after"),
        Index("ix_retention_notices_seeker_id", "seeker_id", "sent_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seeker_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # inactivity
    last_active_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    erase_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10))  # pending | kept | erased | gone
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class PostingsErasure(Base):
    """An erasure to pass on to the postings service, written in the erasure's own transaction and
    delivered by `privacy.delivery` until postings acknowledges it (docs/privacy.md §7).

    The seeker id is kept only until then; the pseudonym stays, so that a feed event about the erased
    seeker's earlier records is folded under the pseudonym (`outcomes.folding`), never the id."""

    __tablename__ = "postings_erasures"
    __table_args__ = (Index("ix_postings_erasures_due", "delivered_at", "next_attempt_at"),)

    pseudonym: Mapped[str] = mapped_column(String(64), primary_key=True)
    seeker_id: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(200))
